package cloud.dawg.dsp.backend.simd;

import cloud.dawg.dsp.backend.MixLayout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every staged sample lands at its frame and row of the frame-major input, whole tiles or not. */
class StagedTransposeTest {

    @ParameterizedTest
    @CsvSource({"16, 128, 16, 128", "70, 128, 70, 128", "13, 100, 13, 45", "5, 64, 3, 7", "40, 16, 17, 16"})
    void shouldPutEverySampleAtItsFrameAndRow(int capacity, int maxFrames, int liveRows, int frames) {
        try (MixLayout layout = new MixLayout(capacity, maxFrames)) {
            for (int row = 0; row < liveRows; row++) {
                for (int i = 0; i < frames; i++) {
                    layout.stagedLeft().setAtIndex(ValueLayout.JAVA_FLOAT, (long) row * maxFrames + i, row * 1000 + i);
                    layout.stagedRight().setAtIndex(ValueLayout.JAVA_FLOAT, (long) row * maxFrames + i, -(row * 1000 + i));
                }
            }
            StagedTranspose.moveIn(layout, frames, liveRows);
            for (int row = 0; row < liveRows; row++) {
                for (int i = 0; i < frames; i++) {
                    long at = (long) i * layout.stride() + row;
                    assertEquals(row * 1000 + i, layout.inLeft().getAtIndex(ValueLayout.JAVA_FLOAT, at), "left, row " + row + " frame " + i);
                    assertEquals(-(row * 1000 + i), layout.inRight().getAtIndex(ValueLayout.JAVA_FLOAT, at), "right, row " + row + " frame " + i);
                }
            }
            // nothing beyond the live rows and the block's frames is touched
            if (frames < maxFrames) {
                assertEquals(0f, layout.inLeft().getAtIndex(ValueLayout.JAVA_FLOAT, (long) frames * layout.stride()), "frame after the block");
            }
            if (liveRows < layout.stride()) {
                assertEquals(0f, layout.inLeft().getAtIndex(ValueLayout.JAVA_FLOAT, liveRows), "row after the live ones");
            }
        }
    }
}
