package cloud.dawg.dsp.strip;

/**
 * EQ coefficients, computed in double exactly as the Web Audio BiquadFilterNode does (RBJ Audio
 * EQ Cookbook, normalised by a0), and their translation into a state-variable filter with the
 * identical transfer function.
 *
 * <p>Why the translation: a Direct Form I biquad in float32 cannot hold a 20 Hz shelf (its
 * poles sit within 1e-6 of z = 1, closer than float32 can express), so the float32 backends
 * realise the same H(z) as a trapezoidal SVF, whose coefficients and state stay well scaled.
 */
public final class BiquadDesign {
    /** Offsets of the five Direct Form I coefficients in an output array. */
    public static final int B0 = 0, B1 = 1, B2 = 2, A1 = 3, A2 = 4, DF1_SIZE = 5;
    /**
     * Offsets of the six SVF coefficients: the core ({@code a1 - 1}, a2, a3) and the output mix
     * (m0..m2). a1 = 1 / (1 + g (g + k)) is stored as {@code a1 - 1}: a1 itself lies within 1e-4
     * of 1 for a low, resonant band, and float32 would round away the pole damping it encodes.
     */
    public static final int SVF_A1_MINUS_1 = 0, SVF_A2 = 1, SVF_A3 = 2, SVF_M0 = 3, SVF_M1 = 4, SVF_M2 = 5, SVF_SIZE = 6;

    public enum Shape { LOW_SHELF, PEAKING, HIGH_SHELF }

    private BiquadDesign() {
    }

    /** Writes b0, b1, b2, a1, a2 (normalised by a0) for the band into {@code out[off..off+5)}. */
    public static void design(Shape shape, double f, double gainDb, double q, double fs, double[] out, int off) {
        double a = Math.pow(10, gainDb / 40);
        double w0 = 2 * Math.PI * f / fs;
        double cw = Math.cos(w0);
        double sw = Math.sin(w0);
        double b0, b1, b2, a0, a1, a2;
        if (shape == Shape.PEAKING) {
            double alpha = sw / (2 * q);
            b0 = 1 + alpha * a; b1 = -2 * cw; b2 = 1 - alpha * a;
            a0 = 1 + alpha / a; a1 = -2 * cw; a2 = 1 - alpha / a;
        } else {
            double alpha = sw / Math.sqrt(2);
            double k = 2 * Math.sqrt(a) * alpha;
            if (shape == Shape.LOW_SHELF) {
                b0 = a * ((a + 1) - (a - 1) * cw + k); b1 = 2 * a * ((a - 1) - (a + 1) * cw);
                b2 = a * ((a + 1) - (a - 1) * cw - k); a0 = (a + 1) + (a - 1) * cw + k;
                a1 = -2 * ((a - 1) + (a + 1) * cw); a2 = (a + 1) + (a - 1) * cw - k;
            } else {
                b0 = a * ((a + 1) + (a - 1) * cw + k); b1 = -2 * a * ((a - 1) + (a + 1) * cw);
                b2 = a * ((a + 1) + (a - 1) * cw - k); a0 = (a + 1) - (a - 1) * cw + k;
                a1 = 2 * ((a - 1) - (a + 1) * cw); a2 = (a + 1) - (a - 1) * cw - k;
            }
        }
        out[off + B0] = b0 / a0;
        out[off + B1] = b1 / a0;
        out[off + B2] = b2 / a0;
        out[off + A1] = a1 / a0;
        out[off + A2] = a2 / a0;
    }

    /** The pass-through filter used when the EQ is off: y = x exactly. */
    public static void identity(double[] out, int off) {
        out[off + B0] = 1;
        out[off + B1] = 0;
        out[off + B2] = 0;
        out[off + A1] = 0;
        out[off + A2] = 0;
    }

    /**
     * Translates Direct Form I coefficients into the trapezoidal SVF with the same H(z).
     *
     * <p>Both are the bilinear transform of an analog biquad (m0 s^2 + (m0 k + m1) s + m0 + m2) /
     * (s^2 + k s + 1) with prewarp g; inverting the transform gives g, k and the mix directly:
     * with P = 1 + a1 + a2 and M = 1 - a1 + a2, g^2 = P / M, k g = 2 (1 - a2) / M,
     * c0 = (b0 + b1 + b2) / P, c2 = (b0 - b1 + b2) / M, c1 g = 2 (b0 - b2) / M.
     * Computed in double, where P keeps its precision even for a 10 Hz shelf at 192 kHz.
     */
    public static void toSvf(double[] df1, int df1Off, double[] out, int off) {
        double b0 = df1[df1Off + B0], b1 = df1[df1Off + B1], b2 = df1[df1Off + B2];
        double a1 = df1[df1Off + A1], a2 = df1[df1Off + A2];
        double p = 1 + a1 + a2;
        double m = 1 - a1 + a2;
        double g = Math.sqrt(p / m);
        double k = 2 * (1 - a2) / m / g;
        double c0 = (b0 + b1 + b2) / p;
        double c2 = (b0 - b1 + b2) / m;
        double c1 = 2 * (b0 - b2) / m / g;
        double loop = g * (g + k);
        double svfA1 = 1 / (1 + loop);
        out[off + SVF_A1_MINUS_1] = -loop / (1 + loop);
        out[off + SVF_A2] = g * svfA1;
        out[off + SVF_A3] = g * g * svfA1;
        out[off + SVF_M0] = c2;
        out[off + SVF_M1] = c1 - c2 * k;
        out[off + SVF_M2] = c0 - c2;
    }

    /**
     * The SVF state (ic1, ic2) under which the SVF continues exactly as the Direct Form I biquad
     * with the same (new) coefficients continues from the history x1, x2 (last inputs) and y1, y2
     * (last outputs). This is what keeps a float SVF identical to the reference when coefficients
     * change: Direct Form I state is that history, whatever the coefficients.
     *
     * <p>The future depends on the past through two numbers, S1 = b1 x1 + b2 x2 - a1 y1 - a2 y2
     * and S2 = b2 x1 - a2 y1 (transposed form); matching the zero-input response of the two
     * forms over two samples gives a 2x2 linear system for the SVF state.
     *
     * @param out receives the state in [0] and [1]; [2..5] are scratch (length >= 6, no allocation)
     * @return false (leaving the state alone) when the output does not depend on the state (a
     *         flat band), so any state is equivalent
     */
    public static boolean svfStateFromHistory(double[] df1, int df1Off, double[] svf, int svfOff,
                                              double x1, double x2, double y1, double y2, double[] out) {
        double b1 = df1[df1Off + B1], b2 = df1[df1Off + B2], a1 = df1[df1Off + A1], a2 = df1[df1Off + A2];
        double s1 = b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        double s2 = b2 * x1 - a2 * y1;
        double z0 = s1, z1 = s2 - a1 * s1; // zero-input outputs of the reference
        zeroInput(svf, svfOff, 1, 0, out, 2);
        zeroInput(svf, svfOff, 0, 1, out, 4);
        double r00 = out[2], r01 = out[3], r10 = out[4], r11 = out[5];
        double det = r00 * r11 - r10 * r01;
        double scale = Math.abs(r00) + Math.abs(r01) + Math.abs(r10) + Math.abs(r11);
        if (!(Math.abs(det) > 1e-12 * scale * scale)) {
            return false;
        }
        out[0] = (z0 * r11 - r10 * z1) / det;
        out[1] = (r00 * z1 - z0 * r01) / det;
        return true;
    }

    /** The SVF's first two outputs for zero input from state (c1, c2), into out[at], out[at + 1]. */
    private static void zeroInput(double[] svf, int off, double c1, double c2, double[] out, int at) {
        double a1m = svf[off + SVF_A1_MINUS_1], a2 = svf[off + SVF_A2], a3 = svf[off + SVF_A3];
        double m1 = svf[off + SVF_M1], m2 = svf[off + SVF_M2];
        for (int n = 0; n < 2; n++) {
            double v3 = -c2;
            double v1 = c1 + a1m * c1 + a2 * v3;
            double v2 = c2 + a2 * c1 + a3 * v3;
            out[at + n] = m1 * v1 + m2 * v2;
            c1 = 2 * v1 - c1;
            c2 = 2 * v2 - c2;
        }
    }
}
