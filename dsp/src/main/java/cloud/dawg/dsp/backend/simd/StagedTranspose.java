package cloud.dawg.dsp.backend.simd;

import cloud.dawg.dsp.backend.MixLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Moves a block of every row from the layout's planar staging into the frame-major input
 * ({@code in[frame * stride + row]}), 8 rows by 8 frames at a time: eight vector loads, three
 * rounds of interleaving shuffles, eight vector stores. The engine's own copy stored each sample
 * of a track on a different cache line of an input larger than L1; here each store fills 8
 * adjacent floats of one line.
 */
final class StagedTranspose {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Whether 256-bit vectors are real on this CPU: emulated ones would be slower than plain copies, and allocate. */
    static final boolean VECTORS = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
    // Interleaving two vectors by 1, 2 and 4 lanes: indices from 8 up pick from the second vector.
    private static final VectorShuffle<Float> BY1_LOW = VectorShuffle.fromValues(S, 0, 8, 1, 9, 2, 10, 3, 11),
            BY1_HIGH = VectorShuffle.fromValues(S, 4, 12, 5, 13, 6, 14, 7, 15),
            BY2_LOW = VectorShuffle.fromValues(S, 0, 1, 8, 9, 2, 3, 10, 11),
            BY2_HIGH = VectorShuffle.fromValues(S, 4, 5, 12, 13, 6, 7, 14, 15),
            BY4_LOW = VectorShuffle.fromValues(S, 0, 1, 2, 3, 8, 9, 10, 11),
            BY4_HIGH = VectorShuffle.fromValues(S, 4, 5, 6, 7, 12, 13, 14, 15);

    private StagedTranspose() {
    }

    /** Frames {@code [0, frames)} of rows {@code [0, liveRows)}, both sides. */
    static void moveIn(MixLayout layout, int frames, int liveRows) {
        moveIn(layout.stagedLeft(), layout.inLeft(), layout, frames, liveRows);
        moveIn(layout.stagedRight(), layout.inRight(), layout, frames, liveRows);
    }

    private static void moveIn(MemorySegment staged, MemorySegment in, MixLayout layout, int frames, int liveRows) {
        int stride = layout.stride(), maxFrames = layout.maxFrames();
        int wholeRows = VECTORS ? liveRows / 8 * 8 : 0, wholeFrames = frames / 8 * 8;
        for (int row = 0; row < wholeRows; row += 8) {
            for (int frame = 0; frame < wholeFrames; frame += 8) {
                tile(staged, in, ((long) row * maxFrames + frame) * Float.BYTES, (long) maxFrames * Float.BYTES,
                        ((long) frame * stride + row) * Float.BYTES, (long) stride * Float.BYTES);
            }
            copy(staged, in, row, row + 8, wholeFrames, frames, stride, maxFrames);
        }
        copy(staged, in, wholeRows, liveRows, 0, frames, stride, maxFrames);
    }

    /** Rows [fromRow, toRow), frames [fromFrame, toFrame), one sample at a time. */
    private static void copy(MemorySegment staged, MemorySegment in, int fromRow, int toRow, int fromFrame, int toFrame,
                             int stride, int maxFrames) {
        for (int row = fromRow; row < toRow; row++) {
            for (int frame = fromFrame; frame < toFrame; frame++) {
                in.setAtIndex(ValueLayout.JAVA_FLOAT, (long) frame * stride + row,
                        staged.getAtIndex(ValueLayout.JAVA_FLOAT, (long) row * maxFrames + frame));
            }
        }
    }

    /** One 8 x 8 tile: row r's 8 frames from {@code from + r * rowBytes} become frame f's 8 rows at {@code to + f * frameBytes}. */
    private static void tile(MemorySegment staged, MemorySegment in, long from, long rowBytes, long to, long frameBytes) {
        FloatVector r0 = FloatVector.fromMemorySegment(S, staged, from, ORDER),
                r1 = FloatVector.fromMemorySegment(S, staged, from + rowBytes, ORDER),
                r2 = FloatVector.fromMemorySegment(S, staged, from + 2 * rowBytes, ORDER),
                r3 = FloatVector.fromMemorySegment(S, staged, from + 3 * rowBytes, ORDER),
                r4 = FloatVector.fromMemorySegment(S, staged, from + 4 * rowBytes, ORDER),
                r5 = FloatVector.fromMemorySegment(S, staged, from + 5 * rowBytes, ORDER),
                r6 = FloatVector.fromMemorySegment(S, staged, from + 6 * rowBytes, ORDER),
                r7 = FloatVector.fromMemorySegment(S, staged, from + 7 * rowBytes, ORDER);
        FloatVector t0 = r0.rearrange(BY1_LOW, r1), t1 = r0.rearrange(BY1_HIGH, r1),
                t2 = r2.rearrange(BY1_LOW, r3), t3 = r2.rearrange(BY1_HIGH, r3),
                t4 = r4.rearrange(BY1_LOW, r5), t5 = r4.rearrange(BY1_HIGH, r5),
                t6 = r6.rearrange(BY1_LOW, r7), t7 = r6.rearrange(BY1_HIGH, r7);
        FloatVector u0 = t0.rearrange(BY2_LOW, t2), u1 = t0.rearrange(BY2_HIGH, t2),
                u2 = t1.rearrange(BY2_LOW, t3), u3 = t1.rearrange(BY2_HIGH, t3),
                u4 = t4.rearrange(BY2_LOW, t6), u5 = t4.rearrange(BY2_HIGH, t6),
                u6 = t5.rearrange(BY2_LOW, t7), u7 = t5.rearrange(BY2_HIGH, t7);
        u0.rearrange(BY4_LOW, u4).intoMemorySegment(in, to, ORDER);
        u0.rearrange(BY4_HIGH, u4).intoMemorySegment(in, to + frameBytes, ORDER);
        u1.rearrange(BY4_LOW, u5).intoMemorySegment(in, to + 2 * frameBytes, ORDER);
        u1.rearrange(BY4_HIGH, u5).intoMemorySegment(in, to + 3 * frameBytes, ORDER);
        u2.rearrange(BY4_LOW, u6).intoMemorySegment(in, to + 4 * frameBytes, ORDER);
        u2.rearrange(BY4_HIGH, u6).intoMemorySegment(in, to + 5 * frameBytes, ORDER);
        u3.rearrange(BY4_LOW, u7).intoMemorySegment(in, to + 6 * frameBytes, ORDER);
        u3.rearrange(BY4_HIGH, u7).intoMemorySegment(in, to + 7 * frameBytes, ORDER);
    }
}
