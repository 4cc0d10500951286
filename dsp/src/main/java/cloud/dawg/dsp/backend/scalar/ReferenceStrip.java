package cloud.dawg.dsp.backend.scalar;

import cloud.dawg.dsp.backend.MixLayout;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.foreign.ValueLayout;

/**
 * One channel strip in double precision, literally the reference semantics: Direct Form I
 * biquads with their own state per side, the reference compressor, then the output matrix.
 * Used for every track by the scalar backend and for the master strip by the SIMD backend.
 */
public final class ReferenceStrip {
    /** Below this a state value is flushed to zero at the end of a chunk: far above double denormals. */
    static final double FLUSH_BELOW = 1e-30;
    // State: [side][stage][x1 x2 y1 y2] then the compressor gain.
    private static final int STATE_EQ = 24;
    private static final int GAIN = 24;

    private final double[] state = new double[25];
    private final double attack;
    private final double release;
    private final double[] scratchLeft, scratchRight;

    /**
     * A strip for chunks of up to {@code maxFrames} frames. The scratch is the EQ's output
     * within one call; strips that never run at the same time may share it.
     */
    public ReferenceStrip(int sampleRate, double[] scratchLeft, double[] scratchRight) {
        this.scratchLeft = scratchLeft;
        this.scratchRight = scratchRight;
        this.attack = 1 - Math.exp(-1 / (0.003 * sampleRate));
        this.release = 1 - Math.exp(-1 / (0.1 * sampleRate));
        reset();
    }

    public void reset() {
        java.util.Arrays.fill(state, 0);
        state[GAIN] = 1;
    }

    /**
     * Runs {@code frames} frames of row {@code row}'s strip, reading frame i of {@code in*} at
     * float index {@code inFirst + i * inStep} and writing it to {@code out*} (rounded to float32)
     * at {@code outFirst + i * outStep}.
     *
     * @return true if the state went non-finite and was reset
     */
    public boolean process(MixLayout layout, int row, MemorySegment inL, MemorySegment inR, long inFirst, int inStep,
                           MemorySegment outL, MemorySegment outR, long outFirst, int outStep, int frames) {
        // One pass per EQ stage (both sides), then one for the compressor and the matrix. The
        // whole strip in one loop kept ~45 doubles live: the JIT spilled most of them to the
        // stack, and every filter recursion went through memory. Per frame and side the
        // arithmetic is the reference's, in the same order.
        final double[] left = scratchLeft, right = scratchRight;
        long at = inFirst;
        for (int i = 0; i < frames; i++, at += inStep) {
            left[i] = inL.getAtIndex(ValueLayout.JAVA_FLOAT, at);
            right[i] = inR.getAtIndex(ValueLayout.JAVA_FLOAT, at);
        }
        for (int stage = 0; stage < 3; stage++) {
            int k = MixLayout.D_DF1 + 5 * stage;
            biquad(left, right, frames, state, 4 * stage, layout.getDouble(k, row), layout.getDouble(k + 1, row),
                    layout.getDouble(k + 2, row), layout.getDouble(k + 3, row), layout.getDouble(k + 4, row), FUSED);
        }
        dynamics(layout, row, outL, outR, outFirst, outStep, frames);
        return sanitiseState();
    }

    /**
     * One Direct Form I stage over both sides of a chunk, in place; its state is at s[at..], right
     * side 12 later. Where the CPU fuses multiply-adds the stage uses them, y1's term last: the
     * recursion then waits one FMA per frame instead of a multiply and two subtractions (the
     * rounding differs from the reference's by far less than its 1e-6 budget). Without them,
     * {@link Math#fma} would be computed in software, so the reference's own expression runs.
     */
    static void biquad(double[] left, double[] right, int frames, double[] s, int at,
                       double b0, double b1, double b2, double a1, double a2, boolean fused) {
        // two loops, not a test per sample: the JIT did not hoist it, and it cost a fifth of the strip
        if (fused) {
            fusedSide(left, frames, s, at, b0, b1, b2, a1, a2);
            fusedSide(right, frames, s, at + 12, b0, b1, b2, a1, a2);
        } else {
            referenceSide(left, frames, s, at, b0, b1, b2, a1, a2);
            referenceSide(right, frames, s, at + 12, b0, b1, b2, a1, a2);
        }
    }

    private static void fusedSide(double[] x, int frames, double[] s, int at, double b0, double b1, double b2, double a1, double a2) {
        double x1 = s[at], x2 = s[at + 1], y1 = s[at + 2], y2 = s[at + 3];
        for (int i = 0; i < frames; i++) {
            double in = x[i];
            double y = Math.fma(-a1, y1, Math.fma(-a2, y2, Math.fma(b2, x2, Math.fma(b1, x1, b0 * in))));
            x2 = x1; x1 = in; y2 = y1; y1 = y;
            x[i] = y;
        }
        s[at] = x1; s[at + 1] = x2; s[at + 2] = y1; s[at + 3] = y2;
    }

    private static void referenceSide(double[] x, int frames, double[] s, int at, double b0, double b1, double b2, double a1, double a2) {
        double x1 = s[at], x2 = s[at + 1], y1 = s[at + 2], y2 = s[at + 3];
        for (int i = 0; i < frames; i++) {
            double in = x[i];
            double y = b0 * in + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
            x2 = x1; x1 = in; y2 = y1; y1 = y;
            x[i] = y;
        }
        s[at] = x1; s[at + 1] = x2; s[at + 2] = y1; s[at + 3] = y2;
    }

    /** Whether the JIT turns {@link Math#fma} into the CPU's instruction (HotSpot's UseFMA). */
    static final boolean FUSED = hardwareFma();

    private static boolean hardwareFma() {
        try {
            return Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseFMA").getValue());
        } catch (RuntimeException | LinkageError notHotSpot) {
            return false;
        }
    }

    /** The compressor on the EQ's output in scratch, the output matrix (ramped), the outputs and the meters. */
    private void dynamics(MixLayout p, int row, MemorySegment outL, MemorySegment outR, long first, int step, int frames) {
        boolean engaged = p.getDouble(MixLayout.D_COMP_ENGAGED, row) != 0;
        double threshold = p.getDouble(MixLayout.D_COMP_THRESHOLD, row);
        double ratio = p.getDouble(MixLayout.D_COMP_RATIO, row);
        // the reference's (level - threshold) / threshold / ratio as one multiply: one division per
        // sample over the threshold instead of three (2-3 % of the scalar mix), and the result
        // moves by a few units in the last place
        final double overPerUnit = 1.0 / (threshold * ratio);
        double ll = p.getDouble(MixLayout.D_MATRIX_BASE, row), lr = p.getDouble(MixLayout.D_MATRIX_BASE + 1, row),
               rl = p.getDouble(MixLayout.D_MATRIX_BASE + 2, row), rr = p.getDouble(MixLayout.D_MATRIX_BASE + 3, row);
        double dll = p.getDouble(MixLayout.D_MATRIX_STEP, row), dlr = p.getDouble(MixLayout.D_MATRIX_STEP + 1, row),
               drl = p.getDouble(MixLayout.D_MATRIX_STEP + 2, row), drr = p.getDouble(MixLayout.D_MATRIX_STEP + 3, row);
        final double attack = this.attack, release = this.release;
        final double[] eqL = scratchLeft, eqR = scratchRight;
        double g = state[GAIN];
        int peakL = 0, peakR = 0; // |peak| as float bits: for magnitudes, int order is float order, and Math.max(int) has no branch
        double sumL = 0, sumR = 0;
        long at = first;
        for (int i = 0; i < frames; i++, at += step) {
            double left = eqL[i], right = eqR[i];
            double level = Math.max(Math.abs(left), Math.abs(right));
            if (!engaged || level < 0.001) {
                g += (1 - g) * 0.003;
            } else {
                double target = 1.0;
                if (level > threshold) {
                    target = 1.0 / (1.0 + (level - threshold) * overPerUnit);
                }
                g += (target - g) * (target < g ? attack : release);
            }
            left *= g;
            right *= g;

            double n = i + 1;
            double outLeft = (ll + dll * n) * left + (lr + dlr * n) * right;
            double outRight = (rl + drl * n) * left + (rr + drr * n) * right;
            float yl = (float) outLeft, yr = (float) outRight;
            outL.setAtIndex(ValueLayout.JAVA_FLOAT, at, yl);
            outR.setAtIndex(ValueLayout.JAVA_FLOAT, at, yr);
            peakL = Math.max(peakL, Float.floatToRawIntBits(yl) & 0x7fffffff);
            peakR = Math.max(peakR, Float.floatToRawIntBits(yr) & 0x7fffffff);
            sumL += yl * yl;
            sumR += yr * yr;
        }
        state[GAIN] = g;
        MemorySegment m = p.meters();
        int rows = p.rows();
        long mp = row;
        m.setAtIndex(ValueLayout.JAVA_FLOAT, mp, Math.max(m.getAtIndex(ValueLayout.JAVA_FLOAT, mp), Float.intBitsToFloat(peakL)));
        mp += rows;
        m.setAtIndex(ValueLayout.JAVA_FLOAT, mp, Math.max(m.getAtIndex(ValueLayout.JAVA_FLOAT, mp), Float.intBitsToFloat(peakR)));
        mp += rows;
        m.setAtIndex(ValueLayout.JAVA_FLOAT, mp, (float) (m.getAtIndex(ValueLayout.JAVA_FLOAT, mp) + sumL));
        mp += rows;
        m.setAtIndex(ValueLayout.JAVA_FLOAT, mp, (float) (m.getAtIndex(ValueLayout.JAVA_FLOAT, mp) + sumR));
    }

    private boolean sanitiseState() {
        double[] s = state;
        for (int i = 0; i < STATE_EQ + 1; i++) {
            double v = s[i];
            if (!Double.isFinite(v)) {
                reset();
                return true;
            }
            if (Math.abs(v) < FLUSH_BELOW) {
                s[i] = 0;
            }
        }
        return false;
    }

}
