package cloud.dawg.dsp.workload;

/** A standard benchmark session (mix or synth), as the backend selector's calibration drives it. */
public interface Workload extends AutoCloseable {
    /** Tracks or voices per block: the unit the figures count. */
    int units();

    /** Processes a short block of {@code frames} frames (see {@link MixWorkload#shortBlock}). */
    void shortBlock(int frames);

    /** Runs {@code seconds} of audio and returns the thread CPU time per unit and block, in ns. */
    double nsPerUnitBlock(double seconds);

    @Override
    void close();
}
