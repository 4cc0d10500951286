package cloud.dawg.dsp.strip;

import cloud.dawg.dsp.backend.MixLayout;

/**
 * Writes a strip's settings into a {@link MixLayout} row as coefficients, in double for the
 * reference backend and in float for the float32 backends. Allocation-free, so the engine can
 * call it while ramping an EQ on the audio thread.
 */
public final class StripCoefficients {
    /** EQ parameters as numbers: for low, mid and high, frequency, gain in dB and Q. */
    public static final int EQ_PARAMS = 9;

    private final double[] df1 = new double[3 * BiquadDesign.DF1_SIZE];
    private final double[] svf = new double[BiquadDesign.SVF_SIZE];
    private final int sampleRate;

    public StripCoefficients(int sampleRate) {
        this.sampleRate = sampleRate;
    }

    /** Flattens an EQ's bands into {@code out[off..off+9)}. */
    public static void eqParams(EqSettings eq, double[] out, int off) {
        EqBand[] bands = {eq.low(), eq.mid(), eq.high()};
        for (int b = 0; b < 3; b++) {
            out[off + 3 * b] = bands[b].freq();
            out[off + 3 * b + 1] = bands[b].gainDb();
            out[off + 3 * b + 2] = bands[b].q();
        }
    }

    /**
     * Writes the EQ: the three bands given as numbers, or pass-through when not {@code active}.
     *
     * <p>Pass-through differs by realisation. Direct Form I gets the exact identity (the reference
     * skips an inactive EQ). The SVF keeps running its core (a1 - 1, a2, a3) for the same bands
     * at 0 dB with its output mix set to pass the input through exactly (m0 = 1, m1 = m2 = 0):
     * turning the EQ on ramps from those bands at 0 dB, and an SVF whose state came from some
     * other core (the identity's g = 1, k = 2) would ring for tens of milliseconds where the
     * reference does not.
     */
    public void writeEq(MixLayout layout, int row, boolean active, double[] params, int off) {
        for (int stage = 0; stage < 3; stage++) {
            int at = stage * BiquadDesign.DF1_SIZE;
            BiquadDesign.Shape shape = BiquadDesign.Shape.values()[stage];
            double gain = active ? params[off + 3 * stage + 1] : 0;
            BiquadDesign.design(shape, params[off + 3 * stage], gain, params[off + 3 * stage + 2], sampleRate, df1, at);
            BiquadDesign.toSvf(df1, at, svf, 0);
            if (!active) {
                BiquadDesign.identity(df1, at);
                svf[BiquadDesign.SVF_M0] = 1;
                svf[BiquadDesign.SVF_M1] = 0;
                svf[BiquadDesign.SVF_M2] = 0;
            }
            for (int c = 0; c < BiquadDesign.DF1_SIZE; c++) {
                layout.setDouble(MixLayout.D_DF1 + at + c, row, df1[at + c]);
            }
            for (int c = 0; c < BiquadDesign.SVF_SIZE; c++) {
                layout.setFloat(MixLayout.F_SVF + stage * BiquadDesign.SVF_SIZE + c, row, (float) svf[c]);
            }
        }
    }

    /** Writes the compressor's controls; threshold and ratio changes need no ramp (the gain is smoothed). */
    public static void writeCompressor(MixLayout layout, int row, CompressorSettings comp) {
        boolean engaged = comp.engaged();
        double threshold = Math.pow(10, comp.thresholdDb() / 20);
        layout.set(MixLayout.D_COMP_ENGAGED, MixLayout.F_COMP_ENGAGED, row, engaged ? 1 : 0);
        layout.set(MixLayout.D_COMP_THRESHOLD, MixLayout.F_COMP_THRESHOLD, row, threshold);
        layout.setDouble(MixLayout.D_COMP_RATIO, row, comp.ratio());
        layout.setFloat(MixLayout.F_COMP_SLOPE, row, (float) (1 / (threshold * comp.ratio())));
    }

    /**
     * The strip's gain, mono fold, equal-power pan and mute as one 2x2 matrix
     * {@code [LL, LR, RL, RR]}: L' = LL*L + LR*R, R' = RL*L + RR*R.
     * Pan is the Web Audio StereoPannerNode law for stereo input.
     */
    public static void matrix(StripSettings s, boolean audible, double[] out) {
        if (!audible) {
            java.util.Arrays.fill(out, 0, 4, 0);
            return;
        }
        double p = s.pan();
        double x = p <= 0 ? p + 1 : p;
        double gl = Math.cos(x * Math.PI / 2);
        double gr = Math.sin(x * Math.PI / 2);
        // pan as a matrix: p <= 0 moves R into L, p > 0 moves L into R
        double pll = p <= 0 ? 1 : gl, plr = p <= 0 ? gl : 0;
        double prl = p <= 0 ? 0 : gr, prr = p <= 0 ? gr : 1;
        double g = s.gain();
        if (s.mono()) {
            double half = g / 2;
            out[0] = (pll + plr) * half;
            out[1] = (pll + plr) * half;
            out[2] = (prl + prr) * half;
            out[3] = (prl + prr) * half;
        } else {
            out[0] = pll * g;
            out[1] = plr * g;
            out[2] = prl * g;
            out[3] = prr * g;
        }
    }
}
