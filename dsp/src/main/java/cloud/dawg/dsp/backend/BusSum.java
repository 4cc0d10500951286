package cloud.dawg.dsp.backend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The bus: the float32 sum of the rows' outputs, in row order, as the browser computes it. */
public final class BusSum {
    private BusSum() {
    }

    public static void sum(MixLayout layout, int offset, int frames, int liveRows) {
        int end = offset + frames, f = offset;
        // Four frames at a time: each frame's sum is still one chain of additions in row order
        // (bit for bit the browser's), but four chains overlap instead of each waiting for the last add.
        for (; f + 4 <= end; f += 4) {
            sumFour(layout, layout.outLeft(), layout.mixLeft(), f, liveRows);
            sumFour(layout, layout.outRight(), layout.mixRight(), f, liveRows);
        }
        int stride = layout.stride();
        for (; f < end; f++) {
            long base = (long) f * stride;
            float sumL = 0, sumR = 0;
            for (int row = 0; row < liveRows; row++) {
                sumL += layout.outLeft().getAtIndex(ValueLayout.JAVA_FLOAT, base + row);
                sumR += layout.outRight().getAtIndex(ValueLayout.JAVA_FLOAT, base + row);
            }
            layout.mixLeft().setAtIndex(ValueLayout.JAVA_FLOAT, f, sumL);
            layout.mixRight().setAtIndex(ValueLayout.JAVA_FLOAT, f, sumR);
        }
    }

    private static void sumFour(MixLayout layout, MemorySegment out, MemorySegment mix, int f, int liveRows) {
        int stride = layout.stride();
        long base = (long) f * stride;
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int row = 0; row < liveRows; row++) {
            long at = base + row;
            s0 += out.getAtIndex(ValueLayout.JAVA_FLOAT, at);
            s1 += out.getAtIndex(ValueLayout.JAVA_FLOAT, at + stride);
            s2 += out.getAtIndex(ValueLayout.JAVA_FLOAT, at + 2L * stride);
            s3 += out.getAtIndex(ValueLayout.JAVA_FLOAT, at + 3L * stride);
        }
        mix.setAtIndex(ValueLayout.JAVA_FLOAT, f, s0);
        mix.setAtIndex(ValueLayout.JAVA_FLOAT, f + 1, s1);
        mix.setAtIndex(ValueLayout.JAVA_FLOAT, f + 2, s2);
        mix.setAtIndex(ValueLayout.JAVA_FLOAT, f + 3, s3);
    }
}
