package cloud.dawg.dsp.backend.jni;

import cloud.dawg.dsp.backend.MixKernel;
import cloud.dawg.dsp.backend.MixLayout;
import cloud.dawg.dsp.backend.SvfRetune;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The Java half of the native kernel: it owns the C state (off-heap) and hands C one context
 * of addresses, so a block costs one JNI call and no copies.
 */
final class NativeMixKernel implements MixKernel, SvfRetune.FloatState {
    // Context slots (int64 each), mirrored in mix_kernel.c through the generated header.
    static final int CTX_IN_LEFT = 0, CTX_IN_RIGHT = 1, CTX_OUT_LEFT = 2, CTX_OUT_RIGHT = 3;
    static final int CTX_MIX_LEFT = 4, CTX_MIX_RIGHT = 5, CTX_FLOAT_PARAMS = 6, CTX_DOUBLE_PARAMS = 7;
    static final int CTX_STATE = 8, CTX_MASTER_STATE = 9, CTX_RESETS = 10, CTX_BUS = 11;
    static final int CTX_STRIDE = 12, CTX_ROWS = 13, CTX_MASTER_ROW = 14, CTX_SAMPLE_RATE = 15, CTX_METERS = 16;
    static final int CTX_STAGED_LEFT = 17, CTX_STAGED_RIGHT = 18, CTX_REPLACED = 19, CTX_MAX_FRAMES = 20, CTX_SIZE = 21;
    // Layout columns, so that C reads exactly what Java writes.
    static final int D_DF1 = MixLayout.D_DF1, D_COMP_ENGAGED = MixLayout.D_COMP_ENGAGED,
            D_COMP_THRESHOLD = MixLayout.D_COMP_THRESHOLD, D_COMP_RATIO = MixLayout.D_COMP_RATIO,
            D_MATRIX_BASE = MixLayout.D_MATRIX_BASE, D_MATRIX_STEP = MixLayout.D_MATRIX_STEP;
    static final int F_SVF = MixLayout.F_SVF, F_COMP_ENGAGED = MixLayout.F_COMP_ENGAGED,
            F_COMP_THRESHOLD = MixLayout.F_COMP_THRESHOLD, F_COMP_SLOPE = MixLayout.F_COMP_SLOPE,
            F_MATRIX_BASE = MixLayout.F_MATRIX_BASE, F_MATRIX_STEP = MixLayout.F_MATRIX_STEP;
    static final int STATE_COMPONENTS = SvfRetune.COMPONENTS, HISTORY = SvfRetune.HISTORY;
    static final int MASTER_STATE_SIZE = 25, LANES = MixLayout.LANE_PADDING;
    /** Frames per side in the C bus scratch: the largest block a session may use. */
    static final int BUS_FRAMES = 8192;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment context;
    private final long contextAddress;
    private final MemorySegment state;
    private final MemorySegment masterState;
    private final int stride;
    private final MixLayout layout;
    private final SvfRetune retuner = new SvfRetune();

    NativeMixKernel(MixLayout layout, int sampleRate) {
        stride = layout.stride();
        this.layout = layout;
        state = arena.allocate((long) STATE_COMPONENTS * stride * Float.BYTES, 64);
        masterState = arena.allocate(MASTER_STATE_SIZE * Double.BYTES, 64);
        // bus partial sums (L, R) and the EQ scratch (L, R)
        MemorySegment bus = arena.allocate((long) BUS_FRAMES * LANES * 4 * Float.BYTES, 64);
        context = arena.allocate(CTX_SIZE * Long.BYTES, 64);
        long[] values = new long[CTX_SIZE];
        values[CTX_IN_LEFT] = layout.inLeft().address();
        values[CTX_IN_RIGHT] = layout.inRight().address();
        values[CTX_OUT_LEFT] = layout.outLeft().address();
        values[CTX_OUT_RIGHT] = layout.outRight().address();
        values[CTX_MIX_LEFT] = layout.mixLeft().address();
        values[CTX_MIX_RIGHT] = layout.mixRight().address();
        values[CTX_FLOAT_PARAMS] = layout.floatParams().address();
        values[CTX_DOUBLE_PARAMS] = layout.doubleParams().address();
        values[CTX_STATE] = state.address();
        values[CTX_MASTER_STATE] = masterState.address();
        values[CTX_RESETS] = layout.resets().address();
        values[CTX_BUS] = bus.address();
        values[CTX_STRIDE] = stride;
        values[CTX_ROWS] = layout.rows();
        values[CTX_MASTER_ROW] = layout.masterRow();
        values[CTX_SAMPLE_RATE] = sampleRate;
        values[CTX_METERS] = layout.meters().address();
        values[CTX_STAGED_LEFT] = layout.stagedLeft().address();
        values[CTX_STAGED_RIGHT] = layout.stagedRight().address();
        values[CTX_REPLACED] = layout.replaced().address();
        values[CTX_MAX_FRAMES] = layout.maxFrames();
        MemorySegment.copy(values, 0, context, ValueLayout.JAVA_LONG, 0, CTX_SIZE);
        contextAddress = context.address();
        resetAll();
    }

    /** C moves the input from staging into the frame-major buffers, cleaning it as it goes (staging stays as it was). */
    @Override
    public long ingest(int frames, int liveRows) {
        return ingest(contextAddress, frames, liveRows);
    }

    @Override
    public void process(int offset, int frames, int liveRows, boolean withMaster) {
        process(contextAddress, offset, frames, liveRows, withMaster);
    }

    @Override
    public void reset(int row) {
        reset(contextAddress, row);
    }

    @Override
    public void retune(int row) {
        retuner.retune(layout, row, this);
    }

    @Override
    public float get(int component, int row) {
        return state.getAtIndex(ValueLayout.JAVA_FLOAT, (long) component * stride + row);
    }

    @Override
    public void set(int component, int row, float value) {
        state.setAtIndex(ValueLayout.JAVA_FLOAT, (long) component * stride + row, value);
    }

    @Override
    public void resetAll() {
        for (int row = 0; row < stride; row++) {
            reset(contextAddress, row);
        }
        reset(contextAddress, stride); // the master row
    }

    @Override
    public void close() {
        arena.close();
    }

    /** Which code the library picked for this CPU: avx512, avx2 or baseline. */
    static native String isa();

    /** Limits both kernels to code level {@code most} (0 baseline, 1 AVX2, 2 AVX-512) or less; returns the level used. */
    static native int limitIsa(int most);

    /** The most capable code level this CPU runs, whatever the limit. */
    static native int supportedIsa();

    private static native void process(long context, int offset, int frames, int liveRows, boolean master);

    private static native void reset(long context, int row);

    private static native long ingest(long context, int frames, int liveRows);
}
