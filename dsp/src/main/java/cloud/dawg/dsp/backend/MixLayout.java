package cloud.dawg.dsp.backend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The memory a mix kernel works on, shared between the engine and the kernel (and, for the
 * native backend, with C, by address, without copies). Everything is off-heap, 64-byte aligned
 * and allocated once: nothing grows on the hot path.
 *
 * <p>Audio is frame-major with tracks in adjacent floats ({@code in[frame * stride + track]}),
 * so one SIMD load picks up the same frame of {@code lanes} tracks. Parameters are
 * column-major ({@code column * rows + row}) for the same reason; row {@link #masterRow()}
 * holds the master strip.
 */
public final class MixLayout implements AutoCloseable {
    /** Tracks are padded to a multiple of this, the widest vector any backend uses (AVX-512). */
    public static final int LANE_PADDING = 16;

    // Double columns: the reference (Direct Form I) coefficients and controls.
    public static final int D_DF1 = 0;              // 3 stages (low, mid, high) x 5 (b0 b1 b2 a1 a2)
    public static final int D_COMP_ENGAGED = 15;    // 1 when gain reduction may happen, else 0
    public static final int D_COMP_THRESHOLD = 16;  // linear threshold
    public static final int D_COMP_RATIO = 17;
    public static final int D_MATRIX_BASE = 18;     // 4: LL LR RL RR at the chunk's frame -1
    public static final int D_MATRIX_STEP = 22;     // 4: per-frame increment while ramping
    public static final int D_COLUMNS = 26;

    // Float columns: the same strip for the float32 backends.
    public static final int F_SVF = 0;              // 3 stages x 6 (a1 a2 a3 m0 m1 m2)
    public static final int F_COMP_ENGAGED = 18;
    public static final int F_COMP_THRESHOLD = 19;
    public static final int F_COMP_SLOPE = 20;          // 1 / (threshold * ratio)
    public static final int F_MATRIX_BASE = 21;
    public static final int F_MATRIX_STEP = 25;
    public static final int F_COLUMNS = 29;

    private final Arena arena = Arena.ofShared();
    private final int capacity;
    private final int stride;
    private final int rows;
    private final int maxFrames;
    private final MemorySegment inLeft, inRight, outLeft, outRight, mixLeft, mixRight;
    private final MemorySegment doubleParams, floatParams, resets, meters;
    private final MemorySegment stagedLeft, stagedRight, replaced;
    private final float[] silence;
    /** Meter accumulator rows: peak left, peak right, sum of squares left, sum of squares right. */
    public static final int METER_PEAK_LEFT = 0, METER_PEAK_RIGHT = 1, METER_SUM_LEFT = 2, METER_SUM_RIGHT = 3, METER_COLUMNS = 4;

    public MixLayout(int capacity, int maxFrames) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1 track, got " + capacity);
        }
        this.capacity = capacity;
        this.stride = (capacity + LANE_PADDING - 1) / LANE_PADDING * LANE_PADDING;
        this.rows = stride + LANE_PADDING;
        this.maxFrames = maxFrames;
        long audio = (long) maxFrames * stride * Float.BYTES;
        inLeft = allocate(audio);
        inRight = allocate(audio);
        outLeft = allocate(audio);
        outRight = allocate(audio);
        mixLeft = allocate((long) maxFrames * Float.BYTES);
        mixRight = allocate((long) maxFrames * Float.BYTES);
        doubleParams = allocate((long) D_COLUMNS * rows * Double.BYTES);
        floatParams = allocate((long) F_COLUMNS * rows * Float.BYTES);
        resets = allocate((long) rows * Integer.BYTES);
        meters = allocate((long) METER_COLUMNS * rows * Float.BYTES);
        stagedLeft = allocate((long) capacity * maxFrames * Float.BYTES);
        stagedRight = allocate((long) capacity * maxFrames * Float.BYTES);
        replaced = allocate((long) rows * Integer.BYTES);
        silence = new float[maxFrames];
    }

    private MemorySegment allocate(long bytes) {
        return arena.allocate(bytes, 64); // zero-filled
    }

    public int capacity() { return capacity; }
    /** Floats between the same track in consecutive frames: capacity rounded up to 16. */
    public int stride() { return stride; }
    /** Entries per parameter column. */
    public int rows() { return rows; }
    public int masterRow() { return stride; }
    public int maxFrames() { return maxFrames; }

    public MemorySegment inLeft() { return inLeft; }
    public MemorySegment inRight() { return inRight; }
    /** Each track's strip output after mute/solo, rounded to float32. */
    public MemorySegment outLeft() { return outLeft; }
    public MemorySegment outRight() { return outRight; }
    /** The bus sum, then, in place, the master strip's output. */
    public MemorySegment mixLeft() { return mixLeft; }
    public MemorySegment mixRight() { return mixRight; }
    public MemorySegment doubleParams() { return doubleParams; }
    public MemorySegment floatParams() { return floatParams; }
    /**
     * Meter accumulators, column-major like the parameters: kernels raise the peaks (of |output|)
     * and add squares of every output sample they write; the engine reads and clears them at
     * the end of each meter window.
     */
    public MemorySegment meters() { return meters; }
    /** Per row: how many times the kernel reset a strip whose state went non-finite. */
    public MemorySegment resets() { return resets; }

    /** Copies a block of a row's input into staging, as it is (the kernel cleans it). */
    public void stage(int row, float[] left, float[] right, int fromIndex, int frames) {
        long at = stagedOffset(row);
        MemorySegment.copy(left, fromIndex, stagedLeft, ValueLayout.JAVA_FLOAT, at, frames);
        MemorySegment.copy(right, fromIndex, stagedRight, ValueLayout.JAVA_FLOAT, at, frames);
    }

    /** Silence in the first {@code frames} staged frames of a row. */
    public void clearStaged(int row, int frames) {
        stage(row, silence, silence, 0, frames);
    }

    private long stagedOffset(int row) {
        return (long) row * maxFrames * Float.BYTES;
    }

    /** Planar input, one block per track: track t's frame i at {@code t * maxFrames() + i}, as the engine copied it. */
    public MemorySegment stagedLeft() { return stagedLeft; }
    public MemorySegment stagedRight() { return stagedRight; }
    /** Per row: input samples a kernel replaced while moving them in from staging. */
    public MemorySegment replaced() { return replaced; }

    /** Returns and clears a row's count of replaced input samples. */
    public int takeReplaced(int row) {
        int n = replaced.getAtIndex(ValueLayout.JAVA_INT, row);
        if (n != 0) {
            replaced.setAtIndex(ValueLayout.JAVA_INT, row, 0);
        }
        return n;
    }

    public double getDouble(int column, int row) {
        return doubleParams.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) column * rows + row);
    }

    public void setDouble(int column, int row, double value) {
        doubleParams.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) column * rows + row, value);
    }

    public float getFloat(int column, int row) {
        return floatParams.getAtIndex(ValueLayout.JAVA_FLOAT, (long) column * rows + row);
    }

    public void setFloat(int column, int row, float value) {
        floatParams.setAtIndex(ValueLayout.JAVA_FLOAT, (long) column * rows + row, value);
    }

    /** Sets a control in both precisions. */
    public void set(int doubleColumn, int floatColumn, int row, double value) {
        setDouble(doubleColumn, row, value);
        setFloat(floatColumn, row, (float) value);
    }

    /** Called by kernels when they reset a strip whose state went non-finite. */
    public void countReset(int row) {
        resets.setAtIndex(ValueLayout.JAVA_INT, row, resets.getAtIndex(ValueLayout.JAVA_INT, row) + 1);
    }

    /** Returns and clears a row's reset count. */
    public int takeResets(int row) {
        int n = resets.getAtIndex(ValueLayout.JAVA_INT, row);
        if (n != 0) {
            resets.setAtIndex(ValueLayout.JAVA_INT, row, 0);
        }
        return n;
    }

    @Override
    public void close() {
        arena.close();
    }
}
