package cloud.dawg.render;

import cloud.dawg.dsp.backend.MixBackend;
import cloud.dawg.dsp.mix.MixEngine;
import cloud.dawg.dsp.synth.SynthEngine;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a project to {@code <track>.wav} per track (the strip output after mute/solo) and
 * {@code mix.wav} (the master), 32-bit float stereo. Every source is opened and checked before
 * anything is written; outputs go to temporary files that are renamed into place only when the
 * whole render succeeded, so a failed render leaves no partial output.
 */
public final class OfflineRenderer {

    /** Told how far the render is, at most about 100 times. */
    public interface Progress {
        Progress NONE = (done, total) -> { };

        void update(long framesDone, long framesTotal);
    }

    /** What a render produced. */
    public record Result(long frames, List<Path> files, long sanitisedSamples, long stateResets, String backend) {
    }

    private OfflineRenderer() {
    }

    public static Result render(Project project, Path outDir, MixBackend backend, Progress progress)
            throws ProjectException, IOException {
        int block = project.blockSize();
        List<WavSource> sources = new ArrayList<>();
        List<List<MidiNotes.Event>> notes = new ArrayList<>();
        List<SynthEngine> synths = new ArrayList<>();
        List<Path> temps = new ArrayList<>();
        List<FloatWavWriter> writers = new ArrayList<>();
        try {
            long longest = 0;
            for (Project.Track track : project.tracks()) {
                String owner = "track '" + track.name() + "'";
                if (track.isInstrument()) {
                    List<MidiNotes.Event> events = MidiNotes.read(track.midi(), project.sampleRate(), owner);
                    sources.add(null);
                    notes.add(events);
                    synths.add(new SynthEngine(track.instrument(), project.sampleRate(), block));
                    long end = events.isEmpty() ? 0 : events.getLast().frame();
                    // the last event plus the release, so the final notes ring out
                    longest = Math.max(longest, end + (long) Math.ceil(track.instrument().envelope().release() * project.sampleRate()) + 1);
                    continue;
                }
                WavSource source = WavSource.open(track.file(), owner, block);
                sources.add(source);
                notes.add(null);
                synths.add(null);
                if (source.sampleRate() != project.sampleRate()) {
                    throw new ProjectException("track '" + track.name() + "': source.file: " + track.file().getFileName()
                            + " is at " + source.sampleRate() + " Hz but the project's sampleRate is " + project.sampleRate()
                            + " Hz (resample it first)");
                }
                longest = Math.max(longest, source.frames());
            }
            long frames = project.lengthFrames().orElse(longest);
            if (frames == 0) {
                throw new ProjectException("project: every source is empty and no lengthFrames is given: nothing to render");
            }
            Files.createDirectories(outDir);
            List<Path> finals = new ArrayList<>();
            for (Project.Track track : project.tracks()) {
                finals.add(outDir.resolve(track.name() + ".wav"));
            }
            finals.add(outDir.resolve("mix.wav"));
            for (Path target : finals) {
                Path temp = Files.createTempFile(outDir, "." + target.getFileName(), ".partial");
                Files.delete(temp); // the writer creates it exclusively
                temps.add(temp);
                writers.add(new FloatWavWriter(temp, project.sampleRate(), block));
            }

            int n = project.tracks().size();
            float[][] inL = new float[n][block], inR = new float[n][block];
            int[] nextEvent = new int[n];
            float[] outL = new float[block], outR = new float[block];
            long sanitised, resets;
            try (MixEngine engine = new MixEngine(backend, project.sampleRate(), block, n)) {
                for (Project.Track track : project.tracks()) {
                    engine.addTrack(track.strip());
                }
                engine.setMaster(project.master());
                long step = Math.max(block, frames / 100);
                long nextReport = 0;
                for (long at = 0; at < frames; at += block) {
                    int len = (int) Math.min(block, frames - at);
                    for (int t = 0; t < n; t++) {
                        if (synths.get(t) != null) {
                            nextEvent[t] = play(notes.get(t), nextEvent[t], synths.get(t), at, len);
                            synths.get(t).process(inL[t], inR[t], 0, len);
                        } else {
                            sources.get(t).read(inL[t], inR[t], len);
                        }
                        engine.writeInput(t, inL[t], inR[t], 0, len);
                    }
                    engine.process(len);
                    for (int t = 0; t < n; t++) {
                        engine.readTrack(t, outL, outR, 0, len);
                        writers.get(t).write(outL, outR, len);
                    }
                    engine.readMix(outL, outR, 0, len);
                    writers.get(n).write(outL, outR, len);
                    if (at >= nextReport) {
                        progress.update(at, frames);
                        nextReport = at + step;
                    }
                }
                sanitised = engine.sanitisedSamples();
                resets = engine.stateResets();
            }
            for (FloatWavWriter writer : writers) {
                writer.finish();
                writer.close();
            }
            for (int i = 0; i < finals.size(); i++) {
                move(temps.get(i), finals.get(i));
            }
            temps.clear();
            progress.update(frames, frames);
            return new Result(frames, finals, sanitised, resets, backend.name());
        } finally {
            for (WavSource source : sources) {
                if (source != null) {
                    source.close();
                }
            }
            for (FloatWavWriter writer : writers) {
                writer.close();
            }
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Queues the events that fall in the block starting at frame {@code at}; returns the next event's index. */
    private static int play(List<MidiNotes.Event> events, int next, SynthEngine synth, long at, int len) {
        while (next < events.size() && events.get(next).frame() < at + len) {
            MidiNotes.Event e = events.get(next++);
            int offset = (int) (e.frame() - at);
            switch (e.type()) {
                case NOTE_ON -> synth.noteOn(offset, e.note(), e.value());
                case NOTE_OFF -> synth.noteOff(offset, e.note());
                case SUSTAIN -> synth.sustain(offset, e.value() != 0);
                case ALL_NOTES_OFF -> synth.allNotesOff(offset);
            }
        }
        return next;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
