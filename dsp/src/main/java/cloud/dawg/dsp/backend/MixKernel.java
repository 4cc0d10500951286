package cloud.dawg.dsp.backend;

/**
 * One backend's DSP for one session: every track's strip, the bus sum and the master strip,
 * on the buffers and parameters of a {@link MixLayout}. Created by {@link Backend#openMix};
 * called by one thread at a time.
 *
 * <p>Contract for {@link #process}: for frames {@code [offset, offset + frames)}, each live row
 * {@code r < liveRows} reads its input (as {@link #ingest} left it), runs EQ, compressor and the 2x2 output matrix
 * (gain, mono, pan and mute folded together, ramped as {@code base + step * (i + 1)} for the
 * chunk's i-th frame), writes {@code out*} rounded to float32, sums the rows in order into
 * {@code mix*}, and runs the master strip on the sum in place (unless told to skip it: a render
 * that keeps only track outputs, such as a stem, leaves the raw sum there). It allocates nothing, never
 * blocks, and resets (and counts in {@code resets}) a strip whose state turns non-finite.
 */
public interface MixKernel extends AutoCloseable {

    /**
     * Processes one chunk; {@code liveRows} is one past the highest row in use; {@code master}
     * false skips the master strip (its state stays as it was).
     */
    void process(int offset, int frames, int liveRows, boolean master);

    /**
     * Takes the block's input from the layout's planar staging ({@link MixLayout#stagedLeft}),
     * where the engine copied each track's frames {@code [0, frames)} as they came: cleans every
     * row below {@code liveRows} as {@link InputSanitiser} does (NaN and infinities become 0 and
     * are counted per row in {@link MixLayout#replaced}, magnitudes below 1e-30 become 0), in
     * place or while moving it into {@code in*}, whichever {@link #process} reads. Called once per
     * block before {@link #process}, and again on a replacement kernel for the block a failed one
     * left, so a second call on the same staging must give the same input.
     *
     * @return the samples replaced, with bit 32 set if some finite sample was 2^20 or more
     */
    long ingest(int frames, int liveRows);

    /** Clears the filter and compressor state of a row (a new track, or the master). */
    void reset(int row);

    /**
     * Called after the engine wrote new EQ coefficients for a row mid-session (an EQ ramp step):
     * a kernel whose filters are not Direct Form I re-derives their state so it goes on exactly as
     * the reference does. The scalar kernel needs nothing.
     */
    default void retune(int row) {
    }

    /** Clears all state. */
    void resetAll();

    /** Releases native resources; the layout belongs to the caller. */
    @Override
    void close();
}
