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
    /** True-peak points are skipped in chunks this long when no point in them can set a new peak. */
    private static final int CHUNK = 16;

    private final double[] pb = new double[3], pa = new double[3], ra = new double[3];
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
    private final double tapGain;
    /** Per channel: the previous block's last TAPS_PER_PHASE - 1 samples, then the current block. */
    private final double[][] window = {new double[TAPS_PER_PHASE - 1 + 4096], new double[TAPS_PER_PHASE - 1 + 4096]};
    private double historyPeak;
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
        double gain = 0;
        for (double[] taps : phases) {
            double sum = 0;
            for (double tap : taps) {
                sum += Math.abs(tap);
            }
            gain = Math.max(gain, sum);
        }
        tapGain = gain * (1 + 1e-12); // never skip a point by rounding
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
        float blockPeak = 0;
        for (int i = 0; i < n; i++) {
            blockPeak = Math.max(blockPeak, Math.max(Math.abs(left[i]), Math.abs(right[i])));
        }
        samplePeak = Math.max(samplePeak, blockPeak);
        truePeak(left, right, n, blockPeak);
        for (int at = 0; at < n; ) {
            int run = Math.min(n - at, subBlock - subFill);
            subEnergy += kWeighted(left, right, at, run);
            subFill += run;
            at += run;
            if (subFill == subBlock) {
                endSubBlock();
            }
        }
    }

    /**
     * The energy of {@code run} K-weighted frames. Both channels' filters run in one loop on local
     * state (the two recursions overlap in the CPU; array state would serialise them through memory).
     */
    private double kWeighted(float[] left, float[] right, int from, int run) {
        final double b0 = pb[0], b1 = pb[1], b2 = pb[2], a1 = pa[1], a2 = pa[2], c1 = ra[1], c2 = ra[2];
        double[] l = state[0], r = state[1];
        double lx1 = l[0], lx2 = l[1], ly1 = l[2], ly2 = l[3], lz1 = l[4], lz2 = l[5], lw1 = l[6], lw2 = l[7];
        double rx1 = r[0], rx2 = r[1], ry1 = r[2], ry2 = r[3], rz1 = r[4], rz2 = r[5], rw1 = r[6], rw2 = r[7];
        double energy = 0;
        for (int i = from; i < from + run; i++) {
            double xl = left[i], xr = right[i];
            double yl = b0 * xl + b1 * lx1 + b2 * lx2 - a1 * ly1 - a2 * ly2;
            double yr = b0 * xr + b1 * rx1 + b2 * rx2 - a1 * ry1 - a2 * ry2;
            lx2 = lx1; lx1 = xl; ly2 = ly1; ly1 = yl;
            rx2 = rx1; rx1 = xr; ry2 = ry1; ry1 = yr;
            // the RLB high-pass: b = {1, -2, 1}
            double zl = yl - 2 * lw1 + lw2 - c1 * lz1 - c2 * lz2;
            double zr = yr - 2 * rw1 + rw2 - c1 * rz1 - c2 * rz2;
            lw2 = lw1; lw1 = yl; lz2 = lz1; lz1 = zl;
            rw2 = rw1; rw1 = yr; rz2 = rz1; rz1 = zr;
            energy += zl * zl + zr * zr;
        }
        l[0] = lx1; l[1] = lx2; l[2] = ly1; l[3] = ly2; l[4] = lz1; l[5] = lz2; l[6] = lw1; l[7] = lw2;
        r[0] = rx1; r[1] = rx2; r[2] = ry1; r[3] = ry2; r[4] = rz1; r[5] = rz2; r[6] = rw1; r[7] = rw2;
        return energy;
    }

    /**
     * Interpolates only where a point could raise the true peak: no interpolated point can
     * exceed the largest nearby sample times the interpolator's largest absolute tap sum, so once
     * a loud passage has set the peak, quieter blocks cost one scan. The result is exact.
     */
    private void truePeak(float[] left, float[] right, int n, float blockPeak) {
        int keep = TAPS_PER_PHASE - 1;
        if (window[0].length < keep + n) {
            window[0] = java.util.Arrays.copyOf(window[0], keep + n);
            window[1] = java.util.Arrays.copyOf(window[1], keep + n);
        }
        if (Math.max(blockPeak, historyPeak) * tapGain > truePeak) {
            for (int ch = 0; ch < 2; ch++) {
                float[] in = ch == 0 ? left : right;
                double[] w = window[ch];
                for (int i = 0; i < n; i++) {
                    w[keep + i] = in[i];
                }
                double peak = truePeak;
                for (int from = 0; from < n; from += CHUNK) {
                    int to = Math.min(n, from + CHUNK);
                    double reach = 0; // the largest sample any point of this chunk is interpolated from
                    for (int i = from; i < to + keep; i++) {
                        reach = Math.max(reach, Math.abs(w[i]));
                    }
                    if (reach * tapGain <= peak) {
                        continue; // no point here can be above the peak found so far
                    }
                    // phase 0 falls on the samples themselves, which the sample peak covers
                    for (int phase = 1; phase < phases.length; phase++) {
                        double[] taps = phases[phase];
                        for (int i = from; i < to; i++) {
                            double v = 0;
                            for (int t = 0; t < TAPS_PER_PHASE; t++) {
                                v += taps[t] * w[i + t];
                            }
                            peak = Math.max(peak, Math.abs(v));
                        }
                    }
                }
                truePeak = peak;
            }
        } else {
            for (int i = 0; i < n; i++) {
                window[0][keep + i] = left[i];
                window[1][keep + i] = right[i];
            }
        }
        historyPeak = 0;
        for (int ch = 0; ch < 2; ch++) {
            System.arraycopy(window[ch], n, window[ch], 0, keep); // the last samples, for the next block's first points
            for (int t = 0; t < keep; t++) {
                historyPeak = Math.max(historyPeak, Math.abs(window[ch][t]));
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
