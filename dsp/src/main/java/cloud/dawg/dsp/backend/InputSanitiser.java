package cloud.dawg.dsp.backend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What happens to input samples before any strip sees them: NaN and infinities become silence
 * (and are counted), magnitudes below {@link #FLUSH_BELOW} (denormals included) become 0, and a
 * finite sample of 2^20 or more is reported as beyond any audio level. The native kernel does the
 * same in C.
 */
public final class InputSanitiser {
    /** Input samples smaller than this are silence to the ear and slow to compute with: flushed to 0. */
    static final float FLUSH_BELOW = 1e-30f;
    /** Floats with a biased exponent below this are under 2^-99 (about 1.6e-30): candidates for the flush. */
    private static final int FLUSH_EXPONENT = 28 << 23;
    /** Floats with a biased exponent from this up are at least 2^20 (about 1e6), or not finite. */
    private static final int HUGE_EXPONENT = (127 + 20) << 23;

    private InputSanitiser() {
    }

    /** NaN, infinite, at least 2^20, or so small that it is silence; 0 is not unusual. One cheap test for the common case. */
    private static boolean unusual(float v) {
        int exponent = Float.floatToRawIntBits(v) & 0x7f800000;
        return exponent >= HUGE_EXPONENT || (exponent < FLUSH_EXPONENT && v != 0);
    }

    /** The sample as the strips see it. */
    private static float clean(float v) {
        return Float.isFinite(v) && Math.abs(v) >= FLUSH_BELOW ? v : 0f;
    }

    /** Finite, but beyond any audio level. */
    private static boolean huge(float v) {
        return Float.isFinite(v) && Math.abs(v) >= 0x1p20f;
    }

    /**
     * Cleans, in place, frames {@code [0, frames)} of every row below {@code liveRows} in the
     * layout's planar staging, counting per row in {@link MixLayout#replaced} the samples that were
     * not finite.
     *
     * @return the samples replaced, with bit 32 set if some finite sample was 2^20 or more
     *     (the report of {@link MixKernel#ingest})
     */
    public static long cleanStaged(MixLayout layout, int frames, int liveRows) {
        long total = 0, huge = 0;
        MemorySegment replaced = layout.replaced();
        for (int row = 0; row < liveRows; row++) {
            long from = (long) row * layout.maxFrames();
            long left = cleanInPlace(layout.stagedLeft(), from, frames);
            long right = cleanInPlace(layout.stagedRight(), from, frames);
            huge |= (left | right) & HUGE;
            int n = (int) (left & ~HUGE) + (int) (right & ~HUGE);
            if (n != 0) {
                replaced.setAtIndex(ValueLayout.JAVA_INT, row, replaced.getAtIndex(ValueLayout.JAVA_INT, row) + n);
                total += n;
            }
        }
        return total | huge;
    }

    private static final long HUGE = 1L << 32;

    /** Cleans {@code frames} floats from index {@code from}: the count of non-finite ones, with bit 32 set if any was huge. */
    private static long cleanInPlace(MemorySegment samples, long from, int frames) {
        // First a branch-free pass that only asks whether any sample is unusual (almost never).
        int flags = 0;
        for (long at = from; at < from + frames; at++) {
            int bits = samples.getAtIndex(ValueLayout.JAVA_INT, at);
            int exponent = bits & 0x7f800000;
            // negative when the exponent is huge, or tiny and the sample is not 0
            flags |= (HUGE_EXPONENT - 1 - exponent) | ((exponent - FLUSH_EXPONENT) & -(bits & 0x7fffffff));
        }
        if (flags >= 0) {
            return 0;
        }
        long report = 0;
        for (long at = from; at < from + frames; at++) {
            float v = samples.getAtIndex(ValueLayout.JAVA_FLOAT, at);
            if (unusual(v)) {
                report += Float.isFinite(v) ? 0 : 1;
                report |= huge(v) ? HUGE : 0;
                samples.setAtIndex(ValueLayout.JAVA_FLOAT, at, clean(v));
            }
        }
        return report;
    }
}
