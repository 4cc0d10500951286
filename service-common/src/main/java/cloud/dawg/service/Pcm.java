package cloud.dawg.service;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The wire form of a block: float32 little-endian, planar (the left block, then the right
 * block). A mono block (one channel) feeds both sides. Decoding goes through a scratch array the
 * caller owns, so it allocates nothing.
 */
public final class Pcm {
    private static final VarHandle FLOAT_LE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

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

    /** Decodes {@code channels} (1 or 2) planar channels of {@code frames} floats from {@code bytes} at {@code offset}. */
    public static void decode(byte[] bytes, int offset, int channels, int frames, float[] left, float[] right) {
        for (int i = 0; i < frames; i++) {
            left[i] = (float) FLOAT_LE.get(bytes, offset + 4 * i);
        }
        if (channels == 1) {
            System.arraycopy(left, 0, right, 0, frames);
            return;
        }
        int second = offset + 4 * frames;
        for (int i = 0; i < frames; i++) {
            right[i] = (float) FLOAT_LE.get(bytes, second + 4 * i);
        }
    }

    /** Writes a stereo block at {@code offset} of {@code bytes} (which needs {@link #stereoBytes} from there). */
    public static void encode(float[] left, float[] right, int frames, byte[] bytes, int offset) {
        int second = offset + 4 * frames;
        for (int i = 0; i < frames; i++) {
            FLOAT_LE.set(bytes, offset + 4 * i, left[i]);
            FLOAT_LE.set(bytes, second + 4 * i, right[i]);
        }
    }

    /** A stereo block as a new ByteString (the message keeps the bytes, so they cannot be reused). */
    public static ByteString encode(float[] left, float[] right, int frames) {
        byte[] bytes = new byte[stereoBytes(frames)];
        encode(left, right, frames, bytes, 0);
        return UnsafeByteOperations.unsafeWrap(bytes);
    }
}
