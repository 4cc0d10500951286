package cloud.dawg.dsp.testing;

import cloud.dawg.dsp.strip.CompressorSettings;
import cloud.dawg.dsp.strip.EqBand;
import cloud.dawg.dsp.strip.EqSettings;
import cloud.dawg.dsp.strip.StripSettings;

import java.util.SplittableRandom;

/** Seeded random strips and signals for tests: parameters within limits, signals musical or extreme. */
public final class RandomSessions {
    private RandomSessions() {
    }

    public static StripSettings strip(SplittableRandom rnd, int sampleRate) {
        double maxFreq = 0.45 * sampleRate;
        EqSettings eq = new EqSettings(rnd.nextInt(4) != 0,
                new EqBand(logUniform(rnd, 10, Math.min(2000, maxFreq)), gainDb(rnd), EqBand.DEFAULT_Q),
                new EqBand(logUniform(rnd, 20, maxFreq), gainDb(rnd), logUniform(rnd, 0.1, 18)),
                new EqBand(logUniform(rnd, 200, maxFreq), gainDb(rnd), EqBand.DEFAULT_Q));
        CompressorSettings comp = new CompressorSettings(rnd.nextInt(3) != 0,
                rnd.nextInt(10) == 0 ? 0 : -60 * rnd.nextDouble(), 1 + 19 * rnd.nextDouble());
        return new StripSettings(eq, comp, rnd.nextInt(8) == 0 ? 4 * rnd.nextDouble() : rnd.nextDouble() * 1.5,
                rnd.nextInt(5) == 0 ? 0 : rnd.nextDouble(-1, 1), rnd.nextInt(6) == 0,
                rnd.nextInt(10) == 0, rnd.nextInt(12) == 0);
    }

    private static double gainDb(SplittableRandom rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> 24;
            case 1 -> -24;
            default -> rnd.nextDouble(-24, 24);
        };
    }

    public static double logUniform(SplittableRandom rnd, double lo, double hi) {
        return lo * Math.pow(hi / lo, rnd.nextDouble());
    }

    /** Kinds of test signal: noise, chords of partials with bursts, full-scale square, silence with clicks. */
    public static void signal(SplittableRandom rnd, int kind, int sampleRate, float[] left, float[] right) {
        int n = left.length;
        switch (kind) {
            case 0 -> { // filtered noise bursts
                double sl = 0, sr = 0;
                double a = rnd.nextDouble(0.01, 0.99);
                for (int i = 0; i < n; i++) {
                    double env = ((i / (sampleRate / 4)) % 2 == 0) ? 1 : 0.05;
                    sl = a * sl + (1 - a) * rnd.nextDouble(-1, 1);
                    sr = a * sr + (1 - a) * rnd.nextDouble(-1, 1);
                    left[i] = (float) (env * sl * 0.9 / Math.max(0.1, 1 - a));
                    right[i] = (float) (env * sr * 0.9 / Math.max(0.1, 1 - a));
                    left[i] = Math.max(-1, Math.min(1, left[i]));
                    right[i] = Math.max(-1, Math.min(1, right[i]));
                }
            }
            case 1 -> { // partials from 20 Hz to near Nyquist
                int partials = 1 + rnd.nextInt(6);
                double[] f = new double[partials];
                double[] amp = new double[partials];
                for (int p = 0; p < partials; p++) {
                    f[p] = logUniform(rnd, 20, 0.45 * sampleRate);
                    amp[p] = 0.9 / partials;
                }
                for (int i = 0; i < n; i++) {
                    double l = 0, r = 0;
                    for (int p = 0; p < partials; p++) {
                        l += amp[p] * Math.sin(2 * Math.PI * f[p] * i / sampleRate);
                        r += amp[p] * Math.cos(2 * Math.PI * f[p] * 1.01 * i / sampleRate);
                    }
                    left[i] = (float) l;
                    right[i] = (float) r;
                }
            }
            case 2 -> { // full-scale square at a low frequency: the extreme for shelves and compressor
                int period = (int) (sampleRate / logUniform(rnd, 20, 2000));
                for (int i = 0; i < n; i++) {
                    left[i] = (i / Math.max(1, period / 2)) % 2 == 0 ? 1f : -1f;
                    right[i] = -left[i];
                }
            }
            default -> { // near silence with sparse full-scale clicks
                for (int i = 0; i < n; i++) {
                    boolean click = rnd.nextInt(2000) == 0;
                    left[i] = click ? 1f : (float) (1e-4 * rnd.nextDouble(-1, 1));
                    right[i] = click ? -1f : 0f;
                }
            }
        }
    }
}
