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
}
