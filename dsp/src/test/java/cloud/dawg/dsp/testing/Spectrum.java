package cloud.dawg.dsp.testing;

/** Spectral analysis for tests: Blackman-Harris window, radix-2 FFT, precise peak frequency. */
public final class Spectrum {
    private static final double[] BH = {0.35875, 0.48829, 0.14128, 0.01168};

    private Spectrum() {
    }

    public static double[] blackmanHarris(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            double x = 2 * Math.PI * i / (n - 1);
            w[i] = BH[0] - BH[1] * Math.cos(x) + BH[2] * Math.cos(2 * x) - BH[3] * Math.cos(3 * x);
        }
        return w;
    }

    /** Magnitudes of bins 0..n/2 of the windowed signal (n a power of two). */
    public static double[] magnitudes(float[] signal, int from, int n) {
        double[] w = blackmanHarris(n);
        double[] re = new double[n], im = new double[n];
        for (int i = 0; i < n; i++) {
            re[i] = signal[from + i] * w[i];
        }
        fft(re, im);
        double[] mag = new double[n / 2 + 1];
        for (int k = 0; k <= n / 2; k++) {
            mag[k] = Math.hypot(re[k], im[k]);
        }
        return mag;
    }

    static void fft(double[] re, double[] im) {
        int n = re.length;
        for (int i = 1, j = 0; i < n; i++) {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1) {
                j ^= bit;
            }
            j ^= bit;
            if (i < j) {
                double t = re[i]; re[i] = re[j]; re[j] = t;
                t = im[i]; im[i] = im[j]; im[j] = t;
            }
        }
        for (int len = 2; len <= n; len <<= 1) {
            double ang = -2 * Math.PI / len;
            double wr = Math.cos(ang), wi = Math.sin(ang);
            for (int i = 0; i < n; i += len) {
                double cr = 1, ci = 0;
                for (int k = 0; k < len / 2; k++) {
                    int a = i + k, b = i + k + len / 2;
                    double xr = re[b] * cr - im[b] * ci, xi = re[b] * ci + im[b] * cr;
                    re[b] = re[a] - xr; im[b] = im[a] - xi;
                    re[a] += xr; im[a] += xi;
                    double ncr = cr * wr - ci * wi;
                    ci = cr * wi + ci * wr;
                    cr = ncr;
                }
            }
        }
    }

    /**
     * The frequency in [lo, hi] Hz where the windowed spectrum of {@code signal[from..from+n)} peaks,
     * found by golden-section search on the exact DTFT magnitude (far finer than a bin).
     */
    public static double peakFrequency(float[] signal, int from, int n, double sampleRate, double lo, double hi) {
        double[] w = blackmanHarris(n);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = signal[from + i] * w[i];
        }
        double g = (Math.sqrt(5) - 1) / 2;
        double a = lo, b = hi;
        double c = b - g * (b - a), d = a + g * (b - a);
        double fc = dtft(x, c, sampleRate), fd = dtft(x, d, sampleRate);
        while (b - a > 1e-7 * lo) {
            if (fc > fd) {
                b = d; d = c; fd = fc;
                c = b - g * (b - a);
                fc = dtft(x, c, sampleRate);
            } else {
                a = c; c = d; fc = fd;
                d = a + g * (b - a);
                fd = dtft(x, d, sampleRate);
            }
        }
        return (a + b) / 2;
    }

    private static double dtft(double[] x, double f, double fs) {
        double c = Math.cos(2 * Math.PI * f / fs), s = -Math.sin(2 * Math.PI * f / fs);
        double pr = 1, pi = 0, re = 0, im = 0;
        for (int i = 0; i < x.length; i++) {
            re += x[i] * pr;
            im += x[i] * pi;
            double npr = pr * c - pi * s;
            pi = pr * s + pi * c;
            pr = npr;
            if ((i & 1023) == 1023) { // renormalise the rotating phasor
                double m = Math.hypot(pr, pi);
                pr /= m;
                pi /= m;
            }
        }
        return re * re + im * im;
    }
}
