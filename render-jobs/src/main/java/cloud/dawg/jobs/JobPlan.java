package cloud.dawg.jobs;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Everything a worker needs to render its part of a job, carried in every task so that workers
 * keep no state: the project (its file references replaced by input ids), the backend and its exact
 * arithmetic ({@link cloud.dawg.dsp.backend.Backend#arithmetic()}), the length, and the content id
 * of every output. Output ids are hashes of everything that determines the output's bits
 * ({@link JobPlanner}), the arithmetic included, so identical work across jobs shares one output
 * and a worker whose arithmetic differs never files its output under those ids.
 */
public record JobPlan(String jobId, String backend, String arithmetic, int sampleRate, int blockSize, long frames, JsonNode project,
                      List<TrackPlan> tracks, String mixId) {

    /**
     * One track: its input (a WAV, or a MIDI file for an instrument), the instrument's dry audio
     * (instrument tracks only), and its stem.
     */
    public record TrackPlan(int index, String name, boolean instrument, String inputId, String dryId, String stemId) {
    }

    public JobPlan {
        tracks = List.copyOf(tracks);
    }

    public TrackPlan track(String name) {
        for (TrackPlan t : tracks) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
