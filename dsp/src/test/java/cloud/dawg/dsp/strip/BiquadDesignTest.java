package cloud.dawg.dsp.strip;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BiquadDesignTest {
    private static final int FS = 48000;

    /** |H(e^jw)| in dB of Direct Form I coefficients. */
    static double magnitudeDb(double[] c, double f, double fs) {
        double w = 2 * Math.PI * f / fs;
        double cr = Math.cos(w), ci = -Math.sin(w), c2r = Math.cos(2 * w), c2i = -Math.sin(2 * w);
        double nr = c[0] + c[1] * cr + c[2] * c2r, ni = c[1] * ci + c[2] * c2i;
        double dr = 1 + c[3] * cr + c[4] * c2r, di = c[3] * ci + c[4] * c2i;
        return 10 * Math.log10((nr * nr + ni * ni) / (dr * dr + di * di));
    }

    @Test
    void shouldHitThePeakingGainAtItsCentreAcrossTheAudioBand() {
        double[] c = new double[5];
        for (double f = 20; f <= 20000; f *= 1.25) {
            for (double gain = -24; gain <= 24; gain += 3) {
                for (double q : new double[]{0.1, 0.7071, 4, 18}) {
                    BiquadDesign.design(BiquadDesign.Shape.PEAKING, f, gain, q, FS, c, 0);
                    assertEquals(gain, magnitudeDb(c, f, FS), 0.01, "peak " + f + " Hz " + gain + " dB Q " + q);
                }
            }
        }
    }

    @Test
    void shouldHitHalfTheShelfGainAtTheCornerAndTheFullGainBeyond() {
        double[] c = new double[5];
        for (double f = 20; f <= 20000; f *= 1.25) {
            for (double gain = -24; gain <= 24; gain += 3) {
                // the cookbook's shelf corner is the midpoint (in dB) of the transition
                BiquadDesign.design(BiquadDesign.Shape.LOW_SHELF, f, gain, 0, FS, c, 0);
                assertEquals(gain / 2, magnitudeDb(c, f, FS), 0.01, "low shelf " + f + " Hz " + gain + " dB");
                assertEquals(gain, magnitudeDb(c, 1e-3, FS), 0.01, "low shelf DC " + f + " Hz " + gain + " dB");
                BiquadDesign.design(BiquadDesign.Shape.HIGH_SHELF, f, gain, 0, FS, c, 0);
                assertEquals(gain / 2, magnitudeDb(c, f, FS), 0.01, "high shelf " + f + " Hz " + gain + " dB");
                assertEquals(gain, magnitudeDb(c, FS / 2.0 - 1e-3, FS), 0.01, "high shelf Nyquist " + f + " Hz " + gain + " dB");
            }
        }
    }

    @Test
    void shouldBeTheIdentityAtZeroDecibels() {
        double[] c = new double[5];
        for (BiquadDesign.Shape shape : BiquadDesign.Shape.values()) {
            BiquadDesign.design(shape, 1000, 0, 0.7071, FS, c, 0);
            for (double f = 20; f <= 20000; f *= 2) {
                assertEquals(0, magnitudeDb(c, f, FS), 1e-9, shape + " at " + f + " Hz");
            }
        }
    }

    @Test
    void shouldTranslateToAnSvfWithTheSameOutputInDouble() {
        SplittableRandom rnd = new SplittableRandom(3);
        double[] df1 = new double[5], svf = new double[6];
        for (int trial = 0; trial < 300; trial++) {
            int fs = new int[]{22050, 44100, 48000, 96000, 192000}[rnd.nextInt(5)];
            BiquadDesign.Shape shape = BiquadDesign.Shape.values()[rnd.nextInt(3)];
            double f = 10 * Math.pow(0.45 * fs / 10, rnd.nextDouble());
            BiquadDesign.design(shape, f, rnd.nextDouble(-24, 24), 0.1 * Math.pow(180, rnd.nextDouble()), fs, df1, 0);
            BiquadDesign.toSvf(df1, 0, svf, 0);
            double x1 = 0, x2 = 0, y1 = 0, y2 = 0, ic1 = 0, ic2 = 0, worst = 0, peak = 1;
            for (int i = 0; i < 4000; i++) {
                double x = i % 500 == 0 ? 1 : rnd.nextDouble(-1, 1);
                double y = df1[0] * x + df1[1] * x1 + df1[2] * x2 - df1[3] * y1 - df1[4] * y2;
                x2 = x1; x1 = x; y2 = y1; y1 = y;
                double v3 = x - ic2;
                double v1 = ic1 + svf[BiquadDesign.SVF_A1_MINUS_1] * ic1 + svf[BiquadDesign.SVF_A2] * v3;
                double v2 = ic2 + svf[BiquadDesign.SVF_A2] * ic1 + svf[BiquadDesign.SVF_A3] * v3;
                ic1 = 2 * v1 - ic1;
                ic2 = 2 * v2 - ic2;
                double z = svf[BiquadDesign.SVF_M0] * x + svf[BiquadDesign.SVF_M1] * v1 + svf[BiquadDesign.SVF_M2] * v2;
                worst = Math.max(worst, Math.abs(y - z));
                peak = Math.max(peak, Math.abs(y));
            }
            double relative = worst / peak;
            assertTrue(relative < 1e-9, shape + " " + f + " Hz at " + fs + ": " + relative);
        }
    }
}
