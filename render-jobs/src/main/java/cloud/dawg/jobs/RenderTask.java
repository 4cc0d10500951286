package cloud.dawg.jobs;

/**
 * One unit of work on a task topic (docs/render-jobs.md). Instrument tasks go to synth workers;
 * strip and mixdown tasks to mix workers.
 *
 * @param track   the track's index in the plan (unused for a mixdown)
 * @param attempt 1 for the first delivery of the task; a failed attempt is republished with the
 *                next number, and the last one goes to the dead-letter topic
 */
public record RenderTask(String jobId, Kind kind, int track, int attempt, JobPlan plan) {
    public enum Kind { INSTRUMENT, STRIP, MIXDOWN }

    public RenderTask nextAttempt() {
        return new RenderTask(jobId, kind, track, attempt + 1, plan);
    }

    /** The record key: a job's tasks spread over partitions, a task's retries stay together. */
    public String key() {
        return kind == Kind.MIXDOWN ? jobId + "/mix" : jobId + "/" + track;
    }

    public String describe() {
        return kind == Kind.MIXDOWN ? "the mixdown" : kind.name().toLowerCase(java.util.Locale.ROOT) + " of track '"
                + plan.tracks().get(track).name() + "'";
    }
}
