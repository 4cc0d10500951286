package cloud.dawg.dsp.workload;

import java.util.function.DoubleSupplier;

/**
 * Runs measurement rounds until the JIT has settled: at least a minimum time, and then until two
 * consecutive rounds agree within 5 % (the Vector API code is about 100x slower until C2 has
 * compiled it). The minimum matters: two short rounds could agree while C2 was still compiling
 * the final code, and the Vector API backend then measured up to 1.6x slower than after a
 * minute (JMH, warming for 8 s, agreed with the minute).
 */
public final class Steady {
    private Steady() {
    }

    /**
     * @param minSeconds wall time to run rounds for at least
     * @param maxSeconds wall time after which to give up waiting for two rounds to agree
     * @return whether two rounds agreed in time
     */
    public static boolean warmUp(DoubleSupplier round, double minSeconds, double maxSeconds) {
        long start = System.nanoTime();
        double previous = round.getAsDouble();
        while (true) {
            double now = round.getAsDouble();
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (elapsed >= minSeconds && Math.abs(now - previous) < 0.05 * previous) {
                return true;
            }
            if (elapsed >= maxSeconds) {
                return false;
            }
            previous = now;
        }
    }
}
