package cloud.dawg.jobs;

/**
 * Integrated loudness (ITU-R BS.1770-4 / EBU R128) and true peak of a stereo signal, measured as
 * it streams by. K-weighting is the standard's two biquads, designed for the actual sample rate
 * (the formulas libebur128 uses, so 44.1 and 96 kHz are as exact as 48 kHz); gating blocks are
 * 400 ms with 75 % overlap, an absolute gate at -70 LUFS and a relative gate 10 LU below. True peak
 * is the peak of the signal oversampled 4x (below 96 kHz; 2x up to 192 kHz) by a windowed-sinc
 * interpolator.
 */
public final class Loudness {
    /** The result; -infinity (as -999) when the signal is silent or shorter than one block. */
    public record Measurement(double integratedLufs, double truePeakDbtp, double samplePeakDbfs) {
    }

    private static final int TAPS_PER_PHASE = 12;

    private final double[] pb = new double[3], pa = new double[3], rb = {1, -2, 1}, ra = new double[3];
    private final double[][] state = new double[2][8];
    private final int subBlock;
    private double subEnergy;
    private int subFill;
    private final double[] recent = new double[4];
    private int subBlocks;
    private double[] blocks = new double[1024];
    private int blockCount;

    private final int oversample;
    private final double[][] phases;
    private final float[][] history = new float[2][TAPS_PER_PHASE];
    private int historyAt;
    private double truePeak, samplePeak;

    public Loudness(int sampleRate) {
        double f0 = 1681.974450955533, g = 3.999843853973347, q = 0.7071752369554196;
        double k = Math.tan(Math.PI * f0 / sampleRate);
        double vh = Math.pow(10, g / 20), vb = Math.pow(vh, 0.4996667741545416);
        double a0 = 1 + k / q + k * k;
        pb[0] = (vh + vb * k / q + k * k) / a0;
        pb[1] = 2 * (k * k - vh) / a0;
        pb[2] = (vh - vb * k / q + k * k) / a0;
        pa[0] = 1;
        pa[1] = 2 * (k * k - 1) / a0;
        pa[2] = (1 - k / q + k * k) / a0;
        f0 = 38.13547087602444;
        q = 0.5003270373238773;
        k = Math.tan(Math.PI * f0 / sampleRate);
        ra[0] = 1;
        ra[1] = 2 * (k * k - 1) / (1 + k / q + k * k);
        ra[2] = (1 - k / q + k * k) / (1 + k / q + k * k);
        subBlock = (int) Math.round(sampleRate * 0.1);
        oversample = sampleRate < 96000 ? 4 : sampleRate < 192000 ? 2 : 1;
        phases = interpolator(oversample);
    }

    /** A polyphase windowed-sinc (Kaiser-like Hann window) low-pass at the original Nyquist. */
    private static double[][] interpolator(int factor) {
        double[][] p = new double[factor][TAPS_PER_PHASE];
        int half = TAPS_PER_PHASE / 2;
        for (int phase = 0; phase < factor; phase++) {
            for (int t = 0; t < TAPS_PER_PHASE; t++) {
                double x = (t - half + 1) - (double) phase / factor; // distance to the interpolated point, in input samples
                double sinc = x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
                double window = 0.5 * (1 + Math.cos(Math.PI * x / (half + 0.5)));
                p[phase][t] = sinc * window;
            }
        }
        return p;
    }

    public void add(float[] left, float[] right, int n) {
        for (int i = 0; i < n; i++) {
            float l = left[i], r = right[i];
            samplePeak = Math.max(samplePeak, Math.max(Math.abs(l), Math.abs(r)));
            truePeak(l, r);
            double wl = kWeight(state[0], l), wr = kWeight(state[1], r);
            subEnergy += wl * wl + wr * wr;
            if (++subFill == subBlock) {
                endSubBlock();
            }
        }
    }

    private double kWeight(double[] s, double x) {
        // direct form I, two stages: s = {x1, x2, y1, y2, z1, z2 (stage-2 outputs)}
        double y = pb[0] * x + pb[1] * s[0] + pb[2] * s[1] - pa[1] * s[2] - pa[2] * s[3];
        s[1] = s[0];
        s[0] = x;
        s[3] = s[2];
        s[2] = y;
        double z = rb[0] * y + rb[1] * s[6] + rb[2] * s[7] - ra[1] * s[4] - ra[2] * s[5];
        s[7] = s[6];
        s[6] = y;
        s[5] = s[4];
        s[4] = z;
        return z;
    }

    private void truePeak(float l, float r) {
        history[0][historyAt] = l;
        history[1][historyAt] = r;
        historyAt = (historyAt + 1) % TAPS_PER_PHASE;
        for (int ch = 0; ch < 2; ch++) {
            for (double[] taps : phases) {
                double v = 0;
                for (int t = 0; t < TAPS_PER_PHASE; t++) {
                    v += taps[t] * history[ch][(historyAt + t) % TAPS_PER_PHASE];
                }
                truePeak = Math.max(truePeak, Math.abs(v));
            }
        }
    }

    private void endSubBlock() {
        recent[subBlocks % 4] = subEnergy;
        subBlocks++;
        subEnergy = 0;
        subFill = 0;
        if (subBlocks >= 4) {
            double meanSquare = (recent[0] + recent[1] + recent[2] + recent[3]) / (4.0 * subBlock);
            if (blockCount == blocks.length) {
                blocks = java.util.Arrays.copyOf(blocks, blocks.length * 2);
            }
            blocks[blockCount++] = meanSquare;
        }
    }

    public Measurement result() {
        double absoluteGate = energy(-70), sum = 0;
        int n = 0;
        for (int i = 0; i < blockCount; i++) {
            if (blocks[i] > absoluteGate) {
                sum += blocks[i];
                n++;
            }
        }
        double integrated = -999;
        if (n > 0) {
            double relativeGate = sum / n * Math.pow(10, -10 / 10.0);
            double gated = 0;
            int m = 0;
            for (int i = 0; i < blockCount; i++) {
                if (blocks[i] > absoluteGate && blocks[i] > relativeGate) {
                    gated += blocks[i];
                    m++;
                }
            }
            integrated = m == 0 ? -999 : lufs(gated / m);
        }
        double peak = Math.max(truePeak, samplePeak);
        return new Measurement(round(integrated), round(db(peak)), round(db(samplePeak)));
    }

    private static double lufs(double meanSquare) {
        return -0.691 + 10 * Math.log10(meanSquare);
    }

    private static double energy(double lufs) {
        return Math.pow(10, (lufs + 0.691) / 10);
    }

    private static double db(double amplitude) {
        return amplitude <= 0 ? -999 : 20 * Math.log10(amplitude);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
