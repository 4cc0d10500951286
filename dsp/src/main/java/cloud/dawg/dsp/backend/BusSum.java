package cloud.dawg.dsp.backend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The bus: the float32 sum of the rows' outputs, in row order, as the browser computes it. */
public final class BusSum {
    private BusSum() {
    }

    public static void sum(MixLayout layout, int offset, int frames, int liveRows) {
        int stride = layout.stride();
        MemorySegment outL = layout.outLeft(), outR = layout.outRight();
        MemorySegment mixL = layout.mixLeft(), mixR = layout.mixRight();
        for (int f = offset; f < offset + frames; f++) {
            long base = (long) f * stride;
            float sumL = 0, sumR = 0;
            for (int row = 0; row < liveRows; row++) {
                sumL += outL.getAtIndex(ValueLayout.JAVA_FLOAT, base + row);
                sumR += outR.getAtIndex(ValueLayout.JAVA_FLOAT, base + row);
            }
            mixL.setAtIndex(ValueLayout.JAVA_FLOAT, f, sumL);
            mixR.setAtIndex(ValueLayout.JAVA_FLOAT, f, sumR);
        }
    }
}
