package cloud.dawg.jobs;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.dsp.strip.StripSettings;
import cloud.dawg.render.FloatWavWriter;
import cloud.dawg.render.OfflineRenderer;
import cloud.dawg.render.Project;
import cloud.dawg.render.ProjectException;
import cloud.dawg.render.ProjectParser;
import cloud.dawg.render.TrackInput;
import cloud.dawg.render.WavSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The DSP of each task kind, on the store: an instrument's dry audio, a track's stem, the mix.
 * A stem is the track rendered alone through its strip, with solo resolved the way the whole
 * project resolves it, so it equals the stem {@code dawg render} writes for the same project; the
 * mixdown renders the project from its inputs (instrument tracks from their dry audio), so the mix
 * is exactly {@code dawg render}'s on every backend.
 */
public final class TaskRenderer {
    /** Told how far a task is (0..1), at most about 100 times; may throw to abandon the task. */
    public interface Progress {
        void update(double fraction);
    }

    /** A finished output: whether this call rendered it or found it, and its loudness. */
    public record Output(boolean cached, Loudness.Measurement loudness) {
    }

    private final StemStore store;

    public TaskRenderer(StemStore store) {
        this.store = store;
    }

    /** The strip a stem is rendered with: the project's solo state folded into mute. */
    static StripSettings stemStrip(StripSettings strip, boolean anySolo) {
        return strip.withSolo(false).withMute(strip.mute() || (anySolo && !strip.solo()));
    }

    public Output instrument(JobPlan plan, int index, Progress progress) throws Exception {
        JobPlan.TrackPlan t = plan.tracks().get(index);
        Project project = ProjectParser.parse(plan.project(), store.inputFolder());
        Backend backend = backend(plan);
        boolean wrote = store.write(StemStore.Kind.DRY, t.dryId(), temp -> {
            try (TrackInput input = TrackInput.open(project.tracks().get(index), backend, plan.sampleRate(), plan.blockSize());
                 FloatWavWriter out = new FloatWavWriter(temp, plan.sampleRate(), plan.blockSize())) {
                long frames = input.frames();
                float[] l = new float[plan.blockSize()], r = new float[plan.blockSize()];
                long step = Math.max(plan.blockSize(), frames / 20), next = step;
                for (long at = 0; at < frames; at += plan.blockSize()) {
                    int n = (int) Math.min(plan.blockSize(), frames - at);
                    input.read(l, r, n);
                    out.write(l, r, n);
                    if (at >= next) {
                        progress.update((double) at / frames);
                        next += step;
                    }
                }
                out.finish();
            }
        });
        return new Output(!wrote, null);
    }

    public Output strip(JobPlan plan, int index, Progress progress) throws Exception {
        JobPlan.TrackPlan t = plan.tracks().get(index);
        Project full = withDryAudio(plan, index);
        boolean anySolo = full.tracks().stream().anyMatch(x -> x.strip().solo());
        Project.Track track = full.tracks().get(index);
        Project alone = new Project(plan.sampleRate(), plan.blockSize(),
                List.of(Project.Track.audio(track.name(), track.file(), stemStrip(track.strip(), anySolo))), full.master(),
                OptionalLong.of(plan.frames()));
        return renderOne(alone, track.name() + ".wav", StemStore.Kind.STEM, t.stemId(), plan, progress);
    }

    public Output mixdown(JobPlan plan, Progress progress) throws Exception {
        Project full = withDryAudio(plan, -1);
        return renderOne(full, "mix.wav", StemStore.Kind.MIX, plan.mixId(), plan, progress);
    }

    /**
     * Renders one output of a project into the store, measuring its loudness as it is written; an
     * output already in the store is measured from its file instead (no rendering).
     */
    private Output renderOne(Project project, String keep, StemStore.Kind kind, String id, JobPlan plan, Progress progress)
            throws Exception {
        Loudness meter = new Loudness(plan.sampleRate());
        boolean wrote = store.write(kind, id, temp -> renderInto(project, keep, temp, plan, progress, meter));
        return new Output(!wrote, wrote ? meter.result() : measure(store.path(kind, id), plan));
    }

    private void renderInto(Project project, String keep, Path temp, JobPlan plan, Progress progress, Loudness meter)
            throws Exception {
        Path dir = Files.createTempDirectory(temp.getParent(), "render-");
        try {
            OfflineRenderer.render(project, dir, backend(plan), (done, total) -> progress.update((double) done / total), keep::equals,
                    (file, left, right, n) -> meter.add(left, right, n));
            Files.move(dir.resolve(keep), temp);
        } finally {
            FileStemStore.deleteTree(dir);
        }
    }

    /**
     * The project with instrument tracks replaced by their dry audio (rendered by a synth worker):
     * track {@code only}, or every track if it is -1.
     */
    private Project withDryAudio(JobPlan plan, int only) throws ProjectException {
        Project project = ProjectParser.parse(plan.project(), store.inputFolder());
        List<Project.Track> tracks = new ArrayList<>();
        for (int i = 0; i < project.tracks().size(); i++) {
            Project.Track t = project.tracks().get(i);
            JobPlan.TrackPlan p = plan.tracks().get(i);
            if (t.isInstrument() && (only < 0 || only == i)) {
                Path dry = store.path(StemStore.Kind.DRY, p.dryId());
                if (!Files.exists(dry)) {
                    throw new IllegalStateException("the dry audio of instrument track '" + t.name() + "' is not in the store");
                }
                tracks.add(Project.Track.audio(t.name(), dry, t.strip()));
            } else {
                tracks.add(t);
            }
        }
        return new Project(project.sampleRate(), project.blockSize(), tracks, project.master(), OptionalLong.of(plan.frames()));
    }

    static Loudness.Measurement measure(Path wav, JobPlan plan) throws ProjectException, IOException {
        Loudness meter = new Loudness(plan.sampleRate());
        int block = 4096;
        float[] l = new float[block], r = new float[block];
        try (WavSource in = WavSource.open(wav, wav.getFileName().toString(), block)) {
            long frames = in.frames();
            for (long at = 0; at < frames; at += block) {
                int n = (int) Math.min(block, frames - at);
                in.read(l, r, n);
                meter.add(l, r, n);
            }
        }
        return meter.result();
    }

    private static Backend backend(JobPlan plan) {
        Backend b = Backends.byName(plan.backend());
        if (!b.availability().available()) {
            throw new IllegalStateException("backend " + plan.backend() + " is not available on this worker: "
                    + b.availability().reason());
        }
        if (!b.arithmetic().equals(plan.arithmetic())) {
            // its bits would differ from what the plan's output ids name, and the store shares outputs across jobs
            throw new IllegalStateException("this worker's " + plan.backend() + " arithmetic is " + b.arithmetic()
                    + ", the job was planned for " + plan.arithmetic()
                    + ": run a job's workers on machines of one kind (the same instruction set and vector width)");
        }
        return b;
    }
}
