package cloud.dawg.dsp.workload;

import java.util.function.DoubleSupplier;

/**
 * Runs measurement rounds until the JIT has settled: two consecutive rounds within 5 % of each
 * other (the Vector API code is about 100x slower until C2 has compiled it).
 */
public final class Steady {
    private Steady() {
    }

    /** @return whether two rounds agreed before {@code maxRounds} ran out */
    public static boolean warmUp(DoubleSupplier round, int maxRounds) {
        double previous = round.getAsDouble();
        for (int i = 1; i < maxRounds; i++) {
            double now = round.getAsDouble();
            if (Math.abs(now - previous) < 0.05 * previous) {
                return true;
            }
            previous = now;
        }
        return false;
    }
}
