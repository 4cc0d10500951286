package cloud.dawg.dsp.backend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The memory a synth kernel works on, shared between the synth engine (which starts, releases
 * and steals voices) and the kernel (which renders them), and with C by address. Off-heap,
 * column-major ({@code column * rows + slot}), allocated once per instrument.
 *
 * <p>A slot is a voice or a stolen voice's fade-out (its shadow). Its envelope is one linear
 * segment at a time: frame {@code k} of the segment has level {@code start + (k + 1) * slope}
 * and the segment has {@code left} frames to go. Kernels render up to the end of a segment
 * and then call {@link #endSegment} (or, in C, the same copy of constants), so every backend
 * changes stage on the same frame with the same double values.
 *
 * <p>The wavetables are not here: every backend reads the one shared float array of
 * {@link cloud.dawg.dsp.synth.Wavetables#data()}; slots hold offsets into it.
 */
public final class SynthLayout implements AutoCloseable {
    public static final int OFF = 0, ATTACK = 1, DECAY = 2, SUSTAIN = 3, RELEASE = 4, FADING = 5;
    /** Frames left in a segment that does not end (sustain, off). */
    public static final int ENDLESS = Integer.MAX_VALUE;

    // int columns
    public static final int I_STAGE = 0;
    public static final int I_POS = 1;       // frames of the segment already rendered
    public static final int I_LEFT = 2;      // frames of the segment still to render
    public static final int I_PHASE = 3;     // 2: oscillator phases, 32-bit unsigned fixed point
    public static final int I_STEP = 5;      // 2: phase increments per frame
    public static final int I_TABLE = 7;     // 2: offsets of the oscillators' tables in the shared data
    public static final int I_COLUMNS = 9;

    // double columns
    public static final int D_START = 0;     // envelope level before the segment's first frame
    public static final int D_SLOPE = 1;     // envelope change per frame
    public static final int D_GAIN = 2;      // instrument gain * velocity / 127
    public static final int D_IC1 = 3;       // the reference's filter state
    public static final int D_IC2 = 4;
    public static final int D_COLUMNS = 5;

    // float columns: the float32 kernels' filter state
    public static final int F_IC1 = 0;
    public static final int F_IC2 = 1;
    public static final int F_COLUMNS = 2;

    /** Instrument constants, a double each, in {@link #constants()}. */
    public static final int C_LEVEL0 = 0, C_LEVEL1 = 1, C_OSCILLATORS = 2, C_FILTERED = 3,
            C_SVF_A1 = 4, C_SVF_A2 = 5, C_SVF_A3 = 6, C_DECAY_FRAMES = 7, C_DECAY_SLOPE = 8, C_SUSTAIN = 9,
            C_COUNT = 10;

    /** Samples per wavetable: 2^13. A phase's top 13 bits index the table, the low 19 interpolate. */
    public static final int TABLE_BITS = 13;
    public static final int PHASE_SHIFT = 32 - TABLE_BITS;

    /** Slots are padded to a multiple of this, the widest vector any backend uses. */
    public static final int LANE_PADDING = 16;

    private final Arena arena = Arena.ofShared();
    private final int voices, slots, rows, maxFrames;
    private final MemorySegment ints, doubles, floats, constants, out, accumulator;

    public SynthLayout(int voices, int maxFrames) {
        this.voices = voices;
        this.slots = 2 * voices;
        this.rows = (slots + LANE_PADDING - 1) / LANE_PADDING * LANE_PADDING;
        this.maxFrames = maxFrames;
        ints = arena.allocate((long) I_COLUMNS * rows * Integer.BYTES, 64);
        doubles = arena.allocate((long) D_COLUMNS * rows * Double.BYTES, 64);
        floats = arena.allocate((long) F_COLUMNS * rows * Float.BYTES, 64);
        constants = arena.allocate((long) C_COUNT * Double.BYTES, 64);
        out = arena.allocate((long) maxFrames * Float.BYTES, 64);
        accumulator = arena.allocate((long) maxFrames * LANE_PADDING * Float.BYTES, 64);
        for (int row = 0; row < rows; row++) {
            setInt(I_LEFT, row, ENDLESS);
        }
    }

    public int voices() { return voices; }
    /** Voices plus their shadows: slot {@code voices + v} is where voice v's stolen note fades out. */
    public int slots() { return slots; }
    /** Entries per column: slots rounded up to {@value #LANE_PADDING}; the padding rows stay off. */
    public int rows() { return rows; }
    public int maxFrames() { return maxFrames; }

    public MemorySegment ints() { return ints; }
    public MemorySegment doubles() { return doubles; }
    public MemorySegment floats() { return floats; }
    public MemorySegment constants() { return constants; }
    /** The rendered block (mono; the engine copies it to both sides). */
    public MemorySegment out() { return out; }
    /**
     * Scratch for the float kernels: {@value #LANE_PADDING} partial sums per frame, all zero
     * between blocks.
     */
    public MemorySegment accumulator() { return accumulator; }

    public int getInt(int column, int row) {
        return ints.getAtIndex(ValueLayout.JAVA_INT, (long) column * rows + row);
    }

    public void setInt(int column, int row, int value) {
        ints.setAtIndex(ValueLayout.JAVA_INT, (long) column * rows + row, value);
    }

    public double getDouble(int column, int row) {
        return doubles.getAtIndex(ValueLayout.JAVA_DOUBLE, (long) column * rows + row);
    }

    public void setDouble(int column, int row, double value) {
        doubles.setAtIndex(ValueLayout.JAVA_DOUBLE, (long) column * rows + row, value);
    }

    public float getFloat(int column, int row) {
        return floats.getAtIndex(ValueLayout.JAVA_FLOAT, (long) column * rows + row);
    }

    public void setFloat(int column, int row, float value) {
        floats.setAtIndex(ValueLayout.JAVA_FLOAT, (long) column * rows + row, value);
    }

    public double constant(int index) {
        return constants.getAtIndex(ValueLayout.JAVA_DOUBLE, index);
    }

    public void setConstant(int index, double value) {
        constants.setAtIndex(ValueLayout.JAVA_DOUBLE, index, value);
    }

    /** Starts an envelope segment: {@code frames} frames from {@code start} by {@code slope} per frame. */
    public void beginSegment(int row, int stage, double start, double slope, int frames) {
        setInt(I_STAGE, row, stage);
        setInt(I_POS, row, 0);
        setInt(I_LEFT, row, frames);
        setDouble(D_START, row, start);
        setDouble(D_SLOPE, row, slope);
    }

    /** The envelope level of the last rendered frame. */
    public double level(int row) {
        return getDouble(D_START, row) + getInt(I_POS, row) * getDouble(D_SLOPE, row);
    }

    /**
     * Moves a slot whose segment has run out to its next stage: attack to decay (or straight to
     * sustain), decay to sustain, release and fade-out to off. Called by kernels; the native
     * kernel does the same copies in C.
     */
    public void endSegment(int row) {
        switch (getInt(I_STAGE, row)) {
            case ATTACK -> {
                int decayFrames = (int) constant(C_DECAY_FRAMES);
                if (decayFrames > 0) {
                    beginSegment(row, DECAY, 1.0, constant(C_DECAY_SLOPE), decayFrames);
                } else {
                    beginSegment(row, SUSTAIN, constant(C_SUSTAIN), 0, ENDLESS);
                }
            }
            case DECAY -> beginSegment(row, SUSTAIN, constant(C_SUSTAIN), 0, ENDLESS);
            case RELEASE, FADING -> beginSegment(row, OFF, 0, 0, ENDLESS);
            default -> setInt(I_LEFT, row, ENDLESS); // sustain and off do not end
        }
    }

    /** Copies every column of a slot (a stolen voice into its shadow). */
    public void copySlot(int from, int to) {
        for (int c = 0; c < I_COLUMNS; c++) {
            setInt(c, to, getInt(c, from));
        }
        for (int c = 0; c < D_COLUMNS; c++) {
            setDouble(c, to, getDouble(c, from));
        }
        for (int c = 0; c < F_COLUMNS; c++) {
            setFloat(c, to, getFloat(c, from));
        }
    }

    /** A copy of every slot's state, taken and put back without allocating. */
    public static final class Snapshot {
        private final MemorySegment ints, doubles, floats;

        private Snapshot(Arena arena, SynthLayout layout) {
            ints = arena.allocate(layout.ints.byteSize(), 64);
            doubles = arena.allocate(layout.doubles.byteSize(), 64);
            floats = arena.allocate(layout.floats.byteSize(), 64);
        }
    }

    /** Space for one copy of the slots' state (allocated with the layout, freed with it). */
    public Snapshot snapshot() {
        return new Snapshot(arena, this);
    }

    public void save(Snapshot s) {
        MemorySegment.copy(ints, 0, s.ints, 0, ints.byteSize());
        MemorySegment.copy(doubles, 0, s.doubles, 0, doubles.byteSize());
        MemorySegment.copy(floats, 0, s.floats, 0, floats.byteSize());
    }

    public void restore(Snapshot s) {
        MemorySegment.copy(s.ints, 0, ints, 0, ints.byteSize());
        MemorySegment.copy(s.doubles, 0, doubles, 0, doubles.byteSize());
        MemorySegment.copy(s.floats, 0, floats, 0, floats.byteSize());
    }

    /**
     * Moving between a double-precision kernel (filter state in {@code D_IC*}) and a float32 one
     * ({@code F_IC*}): copies the live filter state across so the voices go on where they were.
     */
    public void carryFilterState(boolean fromDouble, boolean toDouble) {
        if (fromDouble == toDouble) {
            return;
        }
        for (int row = 0; row < rows; row++) {
            if (fromDouble) {
                setFloat(F_IC1, row, (float) getDouble(D_IC1, row));
                setFloat(F_IC2, row, (float) getDouble(D_IC2, row));
            } else {
                setDouble(D_IC1, row, getFloat(F_IC1, row));
                setDouble(D_IC2, row, getFloat(F_IC2, row));
            }
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
