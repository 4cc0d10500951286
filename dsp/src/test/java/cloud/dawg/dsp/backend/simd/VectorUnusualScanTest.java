package cloud.dawg.dsp.backend.simd;

import cloud.dawg.dsp.backend.InputSanitiser;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The vector scan flags exactly the rows the one-sample scan flags, wherever in the row the sample sits. */
class VectorUnusualScanTest {
    private static final float[] UNUSUAL = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0x1p20f, -0x1p20f,
            Float.MAX_VALUE, 1e-31f, -1e-35f, Float.MIN_VALUE, -Float.MIN_NORMAL};
    private static final float[] USUAL = {0f, -0f, 0.5f, -1f, Math.nextDown(0x1p20f), 1e-29f, -1e-29f, 0x1p-99f};

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 15, 16, 17, 31, 128, 130})
    void shouldFlagARowExactlyWhenTheScalarScanDoes(int frames) {
        long from = 3; // rows need not start on a vector boundary
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment row = arena.allocate((from + frames) * Float.BYTES, 64);
            for (float odd : UNUSUAL) {
                for (int at = 0; at < frames; at++) {
                    fill(row, from, frames, 0.25f);
                    row.setAtIndex(ValueLayout.JAVA_FLOAT, from + at, odd);
                    assertEquals(true, InputSanitiser.anyUnusual(row, from, frames), "scalar, " + odd + " at " + at);
                    assertEquals(true, VectorUnusualScan.INSTANCE.any(row, from, frames), odd + " at " + at + " of " + frames);
                }
            }
            for (float usual : USUAL) {
                fill(row, from, frames, usual);
                assertEquals(false, InputSanitiser.anyUnusual(row, from, frames), "scalar, a row of " + usual);
                assertEquals(false, VectorUnusualScan.INSTANCE.any(row, from, frames), "a row of " + usual + ", " + frames + " frames");
            }
            // an unusual sample just outside the scanned frames is not this row's
            fill(row, 0, (int) from + frames, 0.25f);
            row.setAtIndex(ValueLayout.JAVA_FLOAT, from - 1, Float.NaN);
            assertEquals(false, VectorUnusualScan.INSTANCE.any(row, from, frames), "NaN before the row");
        }
    }

    private static void fill(MemorySegment row, long from, int frames, float value) {
        for (int i = 0; i < frames; i++) {
            row.setAtIndex(ValueLayout.JAVA_FLOAT, from + i, value);
        }
    }
}
