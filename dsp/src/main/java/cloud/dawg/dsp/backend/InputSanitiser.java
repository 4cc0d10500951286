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
    public static final int FLUSH_EXPONENT = 28 << 23;
    /** Floats with a biased exponent from this up are at least 2^20 (about 1e6), or not finite. */
    public static final int HUGE_EXPONENT = (127 + 20) << 23;

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
        return cleanStaged(layout, frames, liveRows, null);
    }

    /**
     * The first pass over a row of samples: whether any of {@code frames} floats from index
     * {@code from} is unusual (NaN, infinite, at least 2^20, or a flushable non-zero), exactly as
     * {@link #anyUnusual} decides it. A backend may bring a faster one; the cleaning behind it is
     * the same for every backend.
     */
    @FunctionalInterface
    public interface UnusualScan {
        boolean any(MemorySegment samples, long from, int frames);
    }

    /** The scan in plain Java, one sample at a time: the one the scalar backend runs, and what any other must agree with. */
    public static boolean anyUnusual(MemorySegment samples, long from, int frames) {
        int flags = 0;
        for (long at = from; at < from + frames; at++) {
            flags |= unusualFlag(samples.getAtIndex(ValueLayout.JAVA_INT, at));
        }
        return flags < 0;
    }

    /**
     * Negative when a float with these bits is unusual: its exponent is huge, or tiny and the
     * sample is not 0. Branch-free, so that the common case (nothing unusual) costs a few integer
     * operations per sample; a vector scan computes the same per lane.
     */
    public static int unusualFlag(int bits) {
        int exponent = bits & 0x7f800000;
        return (HUGE_EXPONENT - 1 - exponent) | ((exponent - FLUSH_EXPONENT) & -(bits & 0x7fffffff));
    }

    /**
     * As {@link #cleanStaged(MixLayout, int, int)}, with {@code scan} as the first pass over each
     * row ({@code null}: the plain Java scan, called directly, so the scalar backend's path keeps
     * no interface call).
     */
    public static long cleanStaged(MixLayout layout, int frames, int liveRows, UnusualScan scan) {
        long total = 0, huge = 0;
        MemorySegment replaced = layout.replaced();
        for (int row = 0; row < liveRows; row++) {
            long from = (long) row * layout.maxFrames();
            long left = unusual(scan, layout.stagedLeft(), from, frames) ? cleanInPlace(layout.stagedLeft(), from, frames) : 0;
            long right = unusual(scan, layout.stagedRight(), from, frames) ? cleanInPlace(layout.stagedRight(), from, frames) : 0;
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

    private static boolean unusual(UnusualScan scan, MemorySegment samples, long from, int frames) {
        return scan == null ? anyUnusual(samples, from, frames) : scan.any(samples, from, frames);
    }

    /** Cleans {@code frames} floats from index {@code from}, which a scan found unusual: the count of non-finite ones, with bit 32 set if any was huge. */
    private static long cleanInPlace(MemorySegment samples, long from, int frames) {
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
