package cloud.dawg.dsp.backend;

/**
 * One backend's rendering of one instrument's voices, on a {@link SynthLayout}. Created by
 * {@link Backend#openSynth}; called by one thread at a time. The synth engine owns the voice
 * pool and the note events; the kernel only renders.
 *
 * <p>For each slot that is not off, frame {@code i} adds
 * {@code (level0 * osc0 + level1 * osc1, low-passed if filtered) * gain * envelope} to the block,
 * where {@code osc} reads the slot's table at its phase with linear interpolation and the
 * envelope is {@code start + (pos + 1) * slope}; then the phases step and {@code pos} counts
 * up; a segment that runs out goes on by {@link SynthLayout#endSegment} from the next frame.
 * Nothing allocates, nothing blocks.
 */
public interface SynthKernel extends AutoCloseable {

    /** Renders every sounding slot over frames {@code [from, to)} of the current block, adding to it. */
    void render(int from, int to);

    /**
     * Ends the block: writes its frames {@code [0, frames)} to {@link SynthLayout#out()} as
     * float32, leaves the kernel ready for the next block, and flushes filter state too small to
     * matter (so it never becomes denormal).
     */
    void finish(int frames);

    /** Releases native resources; the layout belongs to the caller. */
    @Override
    void close();
}
