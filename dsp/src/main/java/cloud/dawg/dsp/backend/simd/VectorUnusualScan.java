package cloud.dawg.dsp.backend.simd;

import cloud.dawg.dsp.backend.InputSanitiser;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The sanitiser's first pass ({@link InputSanitiser.UnusualScan}) with the Vector API: the same
 * branch-free test as {@link InputSanitiser#unusualFlag} on a register of samples at a time. C2
 * compiles the one-sample loop to about 0.27 ns per sample on Zen 4, this to 0.1: ~45 ns of
 * every track-block (two 128-frame sides) that the SIMD mix spent before any strip ran.
 */
final class VectorUnusualScan implements InputSanitiser.UnusualScan {
    static final VectorUnusualScan INSTANCE = new VectorUnusualScan();

    private static final VectorSpecies<Integer> S = IntVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final int EXPONENT = 0x7f800000, MAGNITUDE = 0x7fffffff;

    private VectorUnusualScan() {
    }

    @Override
    public boolean any(MemorySegment samples, long from, int frames) {
        final int huge = InputSanitiser.HUGE_EXPONENT - 1, flush = InputSanitiser.FLUSH_EXPONENT;
        IntVector flags = IntVector.zero(S);
        int i = 0;
        for (int whole = S.loopBound(frames); i < whole; i += S.length()) {
            IntVector bits = IntVector.fromMemorySegment(S, samples, (from + i) * Integer.BYTES, ORDER);
            IntVector exponent = bits.and(EXPONENT);
            IntVector tooBig = exponent.neg().add(huge);
            IntVector tooSmall = exponent.sub(flush).and(bits.and(MAGNITUDE).neg());
            flags = flags.or(tooBig.or(tooSmall));
        }
        int tail = flags.reduceLanes(VectorOperators.OR);
        for (; i < frames; i++) {
            tail |= InputSanitiser.unusualFlag(samples.getAtIndex(ValueLayout.JAVA_INT, from + i));
        }
        return tail < 0;
    }
}
