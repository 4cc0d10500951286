package cloud.dawg.dsp.backend.scalar;

import cloud.dawg.dsp.backend.MixLayout;

import java.lang.foreign.MemorySegment;
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

    public ReferenceStrip(int sampleRate) {
        this.attack = 1 - Math.exp(-1 / (0.003 * sampleRate));
        this.release = 1 - Math.exp(-1 / (0.1 * sampleRate));
        reset();
    }

    public void reset() {
        java.util.Arrays.fill(state, 0);
        state[GAIN] = 1;
    }

    /**
     * Runs {@code frames} frames of row {@code row}'s strip, reading {@code in*} and writing
     * {@code out*} (rounded to float32) at float index {@code first + i * step}.
     *
     * @return true if the state went non-finite and was reset
     */
    public boolean process(MixLayout layout, int row, MemorySegment inL, MemorySegment inR,
                           MemorySegment outL, MemorySegment outR, long first, int step, int frames) {
        MixLayout p = layout; // parameters are read once per chunk, then kept in locals
        double lb0 = p.getDouble(MixLayout.D_DF1, row), lb1 = p.getDouble(MixLayout.D_DF1 + 1, row),
               lb2 = p.getDouble(MixLayout.D_DF1 + 2, row), la1 = p.getDouble(MixLayout.D_DF1 + 3, row),
               la2 = p.getDouble(MixLayout.D_DF1 + 4, row);
        double mb0 = p.getDouble(MixLayout.D_DF1 + 5, row), mb1 = p.getDouble(MixLayout.D_DF1 + 6, row),
               mb2 = p.getDouble(MixLayout.D_DF1 + 7, row), ma1 = p.getDouble(MixLayout.D_DF1 + 8, row),
               ma2 = p.getDouble(MixLayout.D_DF1 + 9, row);
        double hb0 = p.getDouble(MixLayout.D_DF1 + 10, row), hb1 = p.getDouble(MixLayout.D_DF1 + 11, row),
               hb2 = p.getDouble(MixLayout.D_DF1 + 12, row), ha1 = p.getDouble(MixLayout.D_DF1 + 13, row),
               ha2 = p.getDouble(MixLayout.D_DF1 + 14, row);
        boolean engaged = p.getDouble(MixLayout.D_COMP_ENGAGED, row) != 0;
        double threshold = p.getDouble(MixLayout.D_COMP_THRESHOLD, row);
        double ratio = p.getDouble(MixLayout.D_COMP_RATIO, row);
        double ll = p.getDouble(MixLayout.D_MATRIX_BASE, row), lr = p.getDouble(MixLayout.D_MATRIX_BASE + 1, row),
               rl = p.getDouble(MixLayout.D_MATRIX_BASE + 2, row), rr = p.getDouble(MixLayout.D_MATRIX_BASE + 3, row);
        double dll = p.getDouble(MixLayout.D_MATRIX_STEP, row), dlr = p.getDouble(MixLayout.D_MATRIX_STEP + 1, row),
               drl = p.getDouble(MixLayout.D_MATRIX_STEP + 2, row), drr = p.getDouble(MixLayout.D_MATRIX_STEP + 3, row);

        double[] s = state;
        double lx1 = s[0], lx2 = s[1], ly1 = s[2], ly2 = s[3];
        double mx1 = s[4], mx2 = s[5], my1 = s[6], my2 = s[7];
        double hx1 = s[8], hx2 = s[9], hy1 = s[10], hy2 = s[11];
        double rlx1 = s[12], rlx2 = s[13], rly1 = s[14], rly2 = s[15];
        double rmx1 = s[16], rmx2 = s[17], rmy1 = s[18], rmy2 = s[19];
        double rhx1 = s[20], rhx2 = s[21], rhy1 = s[22], rhy2 = s[23];
        double g = s[GAIN];
        final double attack = this.attack, release = this.release;

        float peakL = 0, peakR = 0;
        double sumL = 0, sumR = 0;
        long at = first;
        for (int i = 0; i < frames; i++, at += step) {
            double left = inL.getAtIndex(ValueLayout.JAVA_FLOAT, at);
            double right = inR.getAtIndex(ValueLayout.JAVA_FLOAT, at);

            double y = lb0 * left + lb1 * lx1 + lb2 * lx2 - la1 * ly1 - la2 * ly2;
            lx2 = lx1; lx1 = left; ly2 = ly1; ly1 = y;
            left = mb0 * y + mb1 * mx1 + mb2 * mx2 - ma1 * my1 - ma2 * my2;
            mx2 = mx1; mx1 = y; my2 = my1; my1 = left;
            y = hb0 * left + hb1 * hx1 + hb2 * hx2 - ha1 * hy1 - ha2 * hy2;
            hx2 = hx1; hx1 = left; hy2 = hy1; hy1 = y;
            left = y;

            y = lb0 * right + lb1 * rlx1 + lb2 * rlx2 - la1 * rly1 - la2 * rly2;
            rlx2 = rlx1; rlx1 = right; rly2 = rly1; rly1 = y;
            right = mb0 * y + mb1 * rmx1 + mb2 * rmx2 - ma1 * rmy1 - ma2 * rmy2;
            rmx2 = rmx1; rmx1 = y; rmy2 = rmy1; rmy1 = right;
            y = hb0 * right + hb1 * rhx1 + hb2 * rhx2 - ha1 * rhy1 - ha2 * rhy2;
            rhx2 = rhx1; rhx1 = right; rhy2 = rhy1; rhy1 = y;
            right = y;

            double level = Math.max(Math.abs(left), Math.abs(right));
            if (!engaged || level < 0.001) {
                g += (1 - g) * 0.003;
            } else {
                double target = 1.0;
                if (level > threshold) {
                    double excess = (level - threshold) / threshold;
                    target = 1.0 / (1.0 + excess / ratio);
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
            peakL = Math.max(peakL, Math.abs(yl));
            peakR = Math.max(peakR, Math.abs(yr));
            sumL += yl * yl;
            sumR += yr * yr;
        }
        MemorySegment m = layout.meters();
        int rows = layout.rows();
        long mp = row;
        m.setAtIndex(ValueLayout.JAVA_FLOAT, mp, Math.max(m.getAtIndex(ValueLayout.JAVA_FLOAT, mp), peakL));
        mp += rows;
        m.setAtIndex(ValueLayout.JAVA_FLOAT, mp, Math.max(m.getAtIndex(ValueLayout.JAVA_FLOAT, mp), peakR));
        mp += rows;
        m.setAtIndex(ValueLayout.JAVA_FLOAT, mp, (float) (m.getAtIndex(ValueLayout.JAVA_FLOAT, mp) + sumL));
        mp += rows;
        m.setAtIndex(ValueLayout.JAVA_FLOAT, mp, (float) (m.getAtIndex(ValueLayout.JAVA_FLOAT, mp) + sumR));

        s[0] = lx1; s[1] = lx2; s[2] = ly1; s[3] = ly2;
        s[4] = mx1; s[5] = mx2; s[6] = my1; s[7] = my2;
        s[8] = hx1; s[9] = hx2; s[10] = hy1; s[11] = hy2;
        s[12] = rlx1; s[13] = rlx2; s[14] = rly1; s[15] = rly2;
        s[16] = rmx1; s[17] = rmx2; s[18] = rmy1; s[19] = rmy2;
        s[20] = rhx1; s[21] = rhx2; s[22] = rhy1; s[23] = rhy2;
        s[GAIN] = g;
        return sanitiseState();
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
