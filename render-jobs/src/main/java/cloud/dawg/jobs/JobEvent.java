package cloud.dawg.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What happened to a job, on the event topic (key: the job id, so a job's events stay in order).
 * The job's state is a fold of its events ({@link JobStates}); nothing else holds it.
 *
 * @param track     the track concerned (null for job-wide events and the mix)
 * @param progress  0..1 for PROGRESS
 * @param stem      loudness and peak of a finished stem or mix
 * @param cached    true when a finished output was already in the store (no work done)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobEvent(String jobId, Type type, String track, Double progress, String message, JobPlan plan,
                       Loudness.Measurement stem, Boolean cached, String worker, long at) {
    public enum Type {
        /** The job was accepted; carries the plan. */
        SUBMITTED,
        /** A task's progress (instrument: phase "instrument"; strip; mixdown: track null). */
        PROGRESS,
        /** A track's stem is in the store. */
        STEM_DONE,
        /** The mix is in the store: the job is done. */
        MIX_DONE,
        /** A task failed for good: the job failed; message says why. */
        FAILED,
        /** The job was cancelled: remaining tasks are skipped. */
        CANCELLED
    }

    public static JobEvent of(String jobId, Type type) {
        return new JobEvent(jobId, type, null, null, null, null, null, null, null, System.currentTimeMillis());
    }

    public JobEvent withTrack(String t) {
        return new JobEvent(jobId, type, t, progress, message, plan, stem, cached, worker, at);
    }

    public JobEvent withProgress(double p) {
        return new JobEvent(jobId, type, track, p, message, plan, stem, cached, worker, at);
    }

    public JobEvent withMessage(String m) {
        return new JobEvent(jobId, type, track, progress, m, plan, stem, cached, worker, at);
    }

    public JobEvent withPlan(JobPlan p) {
        return new JobEvent(jobId, type, track, progress, message, p, stem, cached, worker, at);
    }

    public JobEvent withStem(Loudness.Measurement m, boolean wasCached) {
        return new JobEvent(jobId, type, track, progress, message, plan, m, wasCached, worker, at);
    }

    public JobEvent withWorker(String w) {
        return new JobEvent(jobId, type, track, progress, message, plan, stem, cached, w, at);
    }
}
