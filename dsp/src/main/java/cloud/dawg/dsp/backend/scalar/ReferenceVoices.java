package cloud.dawg.dsp.backend.scalar;

import cloud.dawg.dsp.backend.SynthKernel;
import cloud.dawg.dsp.backend.SynthLayout;

import java.lang.foreign.ValueLayout;

import static cloud.dawg.dsp.backend.SynthLayout.*;

/**
 * The reference synth kernel: slot by slot, frame by frame, in double precision, summed in
 * double. The float kernels are measured against it.
 */
final class ReferenceVoices implements SynthKernel {
    private static final double PHASE_FRACTION = 1.0 / (1 << PHASE_SHIFT);
    private static final double FLUSH_BELOW = 1e-30;

    private final SynthLayout layout;
    private final float[] tables;
    private final double[] mix;
    private final boolean fused;

    /** @param fused whether to evaluate with fused multiply-adds (only where the CPU has them: {@link ReferenceStrip#FUSED}) */
    ReferenceVoices(SynthLayout layout, float[] tables, boolean fused) {
        this.layout = layout;
        this.tables = tables;
        this.mix = new double[layout.maxFrames()];
        this.fused = fused;
    }

    @Override
    public void render(int from, int to) {
        for (int slot = 0; slot < layout.slots(); slot++) {
            int at = from;
            while (at < to && layout.getInt(I_STAGE, slot) != OFF) {
                int n = Math.min(to - at, layout.getInt(I_LEFT, slot));
                renderSegment(slot, at, n);
                at += n;
                if (layout.getInt(I_LEFT, slot) == 0) {
                    layout.endSegment(slot);
                }
            }
        }
    }

    /** {@code n} frames of one slot, all inside one envelope segment. */
    private void renderSegment(int slot, int at, int n) {
        final SynthLayout l = layout;
        final float[] t = tables;
        final double level0 = l.constant(C_LEVEL0), level1 = l.constant(C_LEVEL1);
        final boolean filtered = l.constant(C_FILTERED) != 0;
        final double a1 = l.constant(C_SVF_A1), a2 = l.constant(C_SVF_A2), a3 = l.constant(C_SVF_A3);
        final int table0 = l.getInt(I_TABLE, slot), table1 = l.getInt(I_TABLE + 1, slot);
        final int step0 = l.getInt(I_STEP, slot), step1 = l.getInt(I_STEP + 1, slot);
        final double start = l.getDouble(D_START, slot), slope = l.getDouble(D_SLOPE, slot);
        final double gain = l.getDouble(D_GAIN, slot);
        final int pos = l.getInt(I_POS, slot);
        int p0 = l.getInt(I_PHASE, slot), p1 = l.getInt(I_PHASE + 1, slot);
        double c1 = l.getDouble(D_IC1, slot), c2 = l.getDouble(D_IC2, slot);
        if (fused) {
            // The same voice with fused multiply-adds: the filter's state recursion is then three
            // dependent operations per sample instead of five (2 v - s is exact either way), and
            // the voice 1.26x faster (508 against 639 ns per voice-block, 5 of 5 alternating runs
            // on Zen 4). Only the last bits differ (ReferenceVoicesTest).
            for (int k = 0; k < n; k++) {
                double x = Math.fma(level0, readFused(t, table0, p0), level1 * readFused(t, table1, p1));
                p0 += step0;
                p1 += step1;
                if (filtered) {
                    double v3 = x - c2;
                    double v1 = Math.fma(a2, v3, a1 * c1);
                    double v2 = Math.fma(a3, v3, Math.fma(a2, c1, c2));
                    c1 = Math.fma(2, v1, -c1);
                    c2 = Math.fma(2, v2, -c2);
                    x = v2;
                }
                double envelope = Math.fma((double) (pos + k + 1), slope, start);
                mix[at + k] = Math.fma(x * gain, envelope, mix[at + k]);
            }
        } else {
            for (int k = 0; k < n; k++) {
                double x = level0 * read(t, table0, p0) + level1 * read(t, table1, p1);
                p0 += step0; // wraps mod 2^32: the pinned phase
                p1 += step1;
                if (filtered) {
                    double v3 = x - c2;
                    double v1 = a1 * c1 + a2 * v3;
                    double v2 = c2 + a2 * c1 + a3 * v3;
                    c1 = 2 * v1 - c1;
                    c2 = 2 * v2 - c2;
                    x = v2;
                }
                double envelope = start + (double) (pos + k + 1) * slope;
                mix[at + k] += x * gain * envelope;
            }
        }
        l.setInt(I_PHASE, slot, p0);
        l.setInt(I_PHASE + 1, slot, p1);
        l.setDouble(D_IC1, slot, c1);
        l.setDouble(D_IC2, slot, c2);
        l.setInt(I_POS, slot, pos + n);
        l.setInt(I_LEFT, slot, l.getInt(I_LEFT, slot) - n);
    }

    /** Linear interpolation at a 32-bit phase: the top bits index the table, the rest is the fraction. */
    private static double read(float[] t, int table, int p) {
        int index = table + (p >>> PHASE_SHIFT);
        double a = t[index];
        return a + (t[index + 1] - a) * ((p & ((1 << PHASE_SHIFT) - 1)) * PHASE_FRACTION);
    }

    private static double readFused(float[] t, int table, int p) {
        int index = table + (p >>> PHASE_SHIFT);
        double a = t[index];
        return Math.fma(t[index + 1] - a, (p & ((1 << PHASE_SHIFT) - 1)) * PHASE_FRACTION, a);
    }

    @Override
    public void finish(int frames) {
        for (int i = 0; i < frames; i++) {
            layout.out().setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) mix[i]);
            mix[i] = 0;
        }
        for (int slot = 0; slot < layout.slots(); slot++) {
            if (layout.getInt(I_STAGE, slot) == OFF) {
                continue;
            }
            if (Math.abs(layout.getDouble(D_IC1, slot)) < FLUSH_BELOW) {
                layout.setDouble(D_IC1, slot, 0);
            }
            if (Math.abs(layout.getDouble(D_IC2, slot)) < FLUSH_BELOW) {
                layout.setDouble(D_IC2, slot, 0);
            }
        }
    }

    @Override
    public void close() {
    }
}
