package cloud.dawg.render;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.mix.MixEngine;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

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

    /** Sees every block of every output written, as it is written (e.g. a loudness meter). */
    public interface Tap {
        Tap NONE = (file, left, right, n) -> { };

        /** {@code file} is the output's name ({@code <track>.wav} or {@code mix.wav}). */
        void samples(String file, float[] left, float[] right, int n);
    }

    /** What a render produced. */
    public record Result(long frames, List<Path> files, long sanitisedSamples, long stateResets, String backend) {
    }

    private OfflineRenderer() {
    }

    public static Result render(Project project, Path outDir, Backend backend, Progress progress)
            throws ProjectException, IOException {
        return render(project, outDir, backend, progress, file -> true);
    }

    /**
     * Renders as above but writes only the outputs whose file name ({@code <track>.wav} or
     * {@code mix.wav}) {@code write} accepts: a render worker wants one stem, or only the mix.
     */
    public static Result render(Project project, Path outDir, Backend backend, Progress progress, Predicate<String> write)
            throws ProjectException, IOException {
        return render(project, outDir, backend, progress, write, Tap.NONE);
    }

    /** Renders as above, showing {@code tap} every block written. */
    public static Result render(Project project, Path outDir, Backend backend, Progress progress, Predicate<String> write,
                                Tap tap) throws ProjectException, IOException {
        int block = project.blockSize();
        List<TrackInput> inputs = new ArrayList<>();
        List<Path> temps = new ArrayList<>();
        List<FloatWavWriter> writers = new ArrayList<>(); // null where an output is not written
        try {
            long longest = 0;
            for (Project.Track track : project.tracks()) {
                TrackInput input = TrackInput.open(track, backend, project.sampleRate(), block);
                inputs.add(input);
                longest = Math.max(longest, input.frames());
            }
            long frames = project.lengthFrames().orElse(longest);
            if (frames == 0) {
                throw new ProjectException("project: every source is empty and no lengthFrames is given: nothing to render");
            }
            Files.createDirectories(outDir);
            List<Path> finals = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (Project.Track track : project.tracks()) {
                finals.add(outDir.resolve(track.name() + ".wav"));
            }
            finals.add(outDir.resolve("mix.wav"));
            for (Path target : finals) {
                names.add(target.getFileName().toString());
            }
            for (Path target : finals) {
                if (!write.test(target.getFileName().toString())) {
                    writers.add(null);
                    temps.add(null);
                    continue;
                }
                Path temp = Files.createTempFile(outDir, "." + target.getFileName(), ".partial");
                Files.delete(temp); // the writer creates it exclusively
                temps.add(temp);
                writers.add(new FloatWavWriter(temp, project.sampleRate(), block));
            }

            int n = project.tracks().size();
            float[][] inL = new float[n][block], inR = new float[n][block];
            float[] outL = new float[block], outR = new float[block];
            long sanitised, resets;
            try (MixEngine engine = new MixEngine(backend, project.sampleRate(), block, n)) {
                for (Project.Track track : project.tracks()) {
                    engine.addTrack(track.strip());
                }
                engine.setMaster(project.master());
                engine.processMaster(writers.get(n) != null); // track outputs do not depend on it
                long step = Math.max(block, frames / 100);
                long nextReport = 0;
                for (long at = 0; at < frames; at += block) {
                    int len = (int) Math.min(block, frames - at);
                    for (int t = 0; t < n; t++) {
                        inputs.get(t).read(inL[t], inR[t], len);
                        engine.writeInput(t, inL[t], inR[t], 0, len);
                    }
                    engine.process(len);
                    for (int t = 0; t < n; t++) {
                        if (writers.get(t) != null) {
                            engine.readTrack(t, outL, outR, 0, len);
                            writers.get(t).write(outL, outR, len);
                            tap.samples(names.get(t), outL, outR, len);
                        }
                    }
                    if (writers.get(n) != null) {
                        engine.readMix(outL, outR, 0, len);
                        writers.get(n).write(outL, outR, len);
                        tap.samples(names.get(n), outL, outR, len);
                    }
                    if (at >= nextReport) {
                        progress.update(at, frames);
                        nextReport = at + step;
                    }
                }
                sanitised = engine.sanitisedSamples();
                resets = engine.stateResets();
            }
            for (FloatWavWriter writer : writers) {
                if (writer != null) {
                    writer.finish();
                    writer.close();
                }
            }
            List<Path> written = new ArrayList<>();
            for (int i = 0; i < finals.size(); i++) {
                if (writers.get(i) != null) {
                    move(temps.get(i), finals.get(i));
                    written.add(finals.get(i));
                }
            }
            temps.clear();
            progress.update(frames, frames);
            return new Result(frames, written, sanitised, resets, backend.name());
        } finally {
            for (TrackInput input : inputs) {
                input.close();
            }
            for (FloatWavWriter writer : writers) {
                if (writer != null) {
                    writer.close();
                }
            }
            for (Path temp : temps) {
                if (temp != null) {
                    Files.deleteIfExists(temp);
                }
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
