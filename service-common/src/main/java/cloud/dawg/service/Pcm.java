package cloud.dawg.service;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The wire form of a block: float32 little-endian, planar (the left block, then the right
 * block). A mono block (one channel) feeds both sides. Decoding goes through a scratch array the
 * caller owns, so it allocates nothing.
 */
public final class Pcm {
    /** The wire's sample: float32, little-endian, at any byte offset. */
    private static final ValueLayout.OfFloat WIRE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Pcm() {
    }

    /** Bytes of a stereo block. */
    public static int stereoBytes(int frames) {
        return 8 * frames;
    }

    /** A scratch array big enough for {@link #decode} of a stereo block. */
    public static byte[] scratch(int frames) {
        return new byte[stereoBytes(frames)];
    }

    /**
     * Decodes a stereo or mono block into {@code left} and {@code right}.
     *
     * @throws IllegalArgumentException naming the sizes when {@code pcm} is neither
     */
    public static void decode(ByteString pcm, int frames, byte[] scratch, float[] left, float[] right) {
        int size = pcm.size();
        if (size != 8 * frames && size != 4 * frames) {
            throw new IllegalArgumentException("pcm holds " + size + " bytes; a block of " + frames + " frames needs "
                    + 8 * frames + " (stereo float32) or " + 4 * frames + " (mono)");
        }
        pcm.copyTo(scratch, 0);
        decode(scratch, 0, size == 4 * frames ? 1 : 2, frames, left, right);
    }

    /**
     * Decodes {@code channels} (1 or 2) planar channels of {@code frames} floats from {@code bytes} at {@code offset}.
     * Bulk copies, not a loop over a byte-array view: on a little-endian CPU each side is one
     * memory copy (measured 38 against 63 ns per stereo 128-frame block).
     */
    public static void decode(byte[] bytes, int offset, int channels, int frames, float[] left, float[] right) {
        MemorySegment wire = MemorySegment.ofArray(bytes);
        MemorySegment.copy(wire, WIRE_FLOAT, offset, left, 0, frames);
        if (channels == 1) {
            System.arraycopy(left, 0, right, 0, frames);
            return;
        }
        MemorySegment.copy(wire, WIRE_FLOAT, offset + 4L * frames, right, 0, frames);
    }

    /** Writes a stereo block at {@code offset} of {@code bytes} (which needs {@link #stereoBytes} from there); bulk copies, as {@link #decode}. */
    public static void encode(float[] left, float[] right, int frames, byte[] bytes, int offset) {
        MemorySegment wire = MemorySegment.ofArray(bytes);
        MemorySegment.copy(left, 0, wire, WIRE_FLOAT, offset, frames);
        MemorySegment.copy(right, 0, wire, WIRE_FLOAT, offset + 4L * frames, frames);
    }

    /** A stereo block as a new ByteString (the message keeps the bytes, so they cannot be reused). */
    public static ByteString encode(float[] left, float[] right, int frames) {
        byte[] bytes = new byte[stereoBytes(frames)];
        encode(left, right, frames, bytes, 0);
        return UnsafeByteOperations.unsafeWrap(bytes);
    }
}
