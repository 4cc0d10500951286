package cloud.dawg.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** One job as its events so far describe it. Applying an event twice changes nothing. */
public final class JobState {
    public enum Status { QUEUED, RUNNING, DONE, FAILED, CANCELLED }

    /** A stem's or the mix's state. */
    public static final class Output {
        double progress;
        boolean done, cached;
        Loudness.Measurement loudness;

        public boolean done() { return done; }
        public double progress() { return progress; }
        public Loudness.Measurement loudness() { return loudness; }
    }

    private final String id;
    private JobPlan plan;
    private Status status = Status.QUEUED;
    private String error;
    private long submittedAt, finishedAt;
    private final Map<String, Output> stems = new LinkedHashMap<>();
    private final Output mix = new Output();

    JobState(String id) {
        this.id = id;
    }

    public String id() { return id; }
    public JobPlan plan() { return plan; }
    public Status status() { return status; }
    public String error() { return error; }
    public Output stem(String track) { return stems.get(track); }
    public Output mix() { return mix; }

    public boolean finished() {
        return status == Status.DONE || status == Status.FAILED || status == Status.CANCELLED;
    }

    void apply(JobEvent e) {
        switch (e.type()) {
            case SUBMITTED -> {
                if (plan == null && e.plan() != null) {
                    plan = e.plan();
                    submittedAt = e.at();
                    for (JobPlan.TrackPlan t : plan.tracks()) {
                        stems.putIfAbsent(t.name(), new Output());
                    }
                }
            }
            case PROGRESS -> {
                if (finished()) {
                    return;
                }
                status = Status.RUNNING;
                Output o = e.track() == null ? mix : stems.get(e.track());
                if (o != null && !o.done && e.progress() != null) {
                    o.progress = Math.max(o.progress, e.progress());
                }
            }
            case STEM_DONE -> {
                Output o = stems.get(e.track());
                if (o != null && !o.done) {
                    finish(o, e);
                    completeIfAllDone(e);
                }
            }
            case MIX_DONE -> {
                if (!mix.done) {
                    finish(mix, e);
                }
                completeIfAllDone(e);
            }
            case FAILED -> {
                if (!finished()) {
                    status = Status.FAILED;
                    error = e.message();
                    finishedAt = e.at();
                }
            }
            case CANCELLED -> {
                if (!finished()) {
                    status = Status.CANCELLED;
                    finishedAt = e.at();
                }
            }
        }
    }

    /** Done when the mix and every stem are (a mix found in the store may come before the stems' own events). */
    private void completeIfAllDone(JobEvent e) {
        if (finished()) {
            return;
        }
        if (mix.done && !stems.isEmpty() && stems.values().stream().allMatch(o -> o.done)) {
            status = Status.DONE;
            finishedAt = e.at();
        } else {
            status = Status.RUNNING;
        }
    }

    private static void finish(Output o, JobEvent e) {
        o.done = true;
        o.progress = 1;
        o.cached = Boolean.TRUE.equals(e.cached());
        o.loudness = e.stem();
    }

    /** The job as {@code GET /api/render-jobs/{id}} shows it. */
    public ObjectNode toJson(String basePath) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("id", id).put("state", status.name().toLowerCase(Locale.ROOT));
        if (error != null) {
            o.put("error", error);
        }
        o.put("submittedAt", submittedAt);
        if (finishedAt != 0) {
            o.put("finishedAt", finishedAt);
        }
        if (plan != null) {
            o.put("backend", plan.backend()).put("arithmetic", plan.arithmetic()).put("sampleRate", plan.sampleRate())
                    .put("frames", plan.frames());
            ArrayNode tracks = o.putArray("stems");
            for (JobPlan.TrackPlan t : plan.tracks()) {
                ObjectNode s = output(stems.get(t.name()), basePath + "/stems/" + t.name());
                s.put("name", t.name()).put("kind", t.instrument() ? "instrument" : "audio");
                tracks.add(s);
            }
            o.set("mix", output(mix, basePath + "/mix"));
        }
        return o;
    }

    private ObjectNode output(Output out, String url) {
        ObjectNode s = Json.MAPPER.createObjectNode().put("state", out.done ? "done" : out.progress > 0 ? "rendering" : "queued")
                .put("progress", Math.round(out.progress * 1000) / 1000.0);
        if (out.done) {
            s.put("cached", out.cached).put("url", url);
            if (out.loudness != null) {
                s.put("integratedLufs", out.loudness.integratedLufs()).put("truePeakDbtp", out.loudness.truePeakDbtp())
                        .put("samplePeakDbfs", out.loudness.samplePeakDbfs());
            }
        }
        return s;
    }
}
