package cloud.dawg.dsp.backend.scalar;

import cloud.dawg.dsp.strip.BiquadDesign;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scalar strip's filter stage computes the reference's recursion whichever way it is evaluated. */
class ReferenceStripTest {

    @Test
    void shouldFilterAlikeWithAndWithoutFusedMultiplyAdds() {
        SplittableRandom rnd = new SplittableRandom(7);
        int frames = 4096;
        double[] left = new double[frames], right = new double[frames];
        for (int i = 0; i < frames; i++) {
            left[i] = rnd.nextDouble(-1, 1);
            right[i] = Math.sin(i * 0.01);
        }
        double worst = 0;
        // a low shelf at 30 Hz: poles next to z = 1, where a recursion amplifies rounding the most
        double[] lowShelf = new double[BiquadDesign.DF1_SIZE], peak = new double[BiquadDesign.DF1_SIZE];
        BiquadDesign.design(BiquadDesign.Shape.LOW_SHELF, 30, 12, 0.7071, 48000, lowShelf, 0);
        BiquadDesign.design(BiquadDesign.Shape.PEAKING, 1000, -9, 4, 48000, peak, 0);
        for (double[] k : new double[][] {lowShelf, peak}) {
            double[] plainState = new double[24], fusedState = new double[24];
            for (int chunk = 0; chunk < frames; chunk += 128) { // chunks carry the state over, as blocks do
                double[] pl = Arrays.copyOfRange(left, chunk, chunk + 128), pr = Arrays.copyOfRange(right, chunk, chunk + 128);
                double[] fl = pl.clone(), fr = pr.clone();
                ReferenceStrip.biquad(pl, pr, 128, plainState, 0, k[0], k[1], k[2], k[3], k[4], false);
                ReferenceStrip.biquad(fl, fr, 128, fusedState, 0, k[0], k[1], k[2], k[3], k[4], true);
                for (int i = 0; i < 128; i++) {
                    worst = Math.max(worst, Math.max(Math.abs(pl[i] - fl[i]), Math.abs(pr[i] - fr[i])));
                }
            }
        }
        // rounding only: a different recursion would differ by orders of magnitude more than this, and still be 1000x inside the 1e-6 budget
        assertTrue(worst < 1e-9, "fused and reference evaluation differ by " + worst);
        assertTrue(worst > 0, "the fused path rounds differently, so it did run");
    }
}
