package cloud.dawg.gateway.session;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The binary frames of the participant protocol (docs/protocol.md), little-endian throughout.
 * <pre>
 * header (16 bytes): u8 kind, u8 version (1), u16 count, u32 frames, u64 sequence
 *   kind 1, client to server: count = tracks, then per track:
 *          u16 track id, u8 channels (1 or 2), u8 reserved (0), channels * frames float32, planar
 *   kind 2 (master mix) and 3 (monitor mix), server to client: count = channels (2), then 2 * frames float32, planar
 * </pre>
 */
public final class ParticipantFrames {
    public static final int HEADER = 16;
    public static final int TRACK_HEADER = 4;
    public static final byte AUDIO = 1, MIX = 2, MONITOR = 3;
    public static final byte VERSION = 1;

    private ParticipantFrames() {
    }

    /** One track's audio from a client frame. */
    public record TrackBlock(int trackId, ByteString pcm) {
    }

    /** A parsed client audio frame. */
    public record Audio(long sequence, TrackBlock[] tracks) {
    }

    /**
     * Parses a client audio frame. For a heap buffer the tracks' PCM is not copied: each
     * {@link TrackBlock#pcm()} is a view of {@code frame}, valid only while the frame is (the
     * WebSocket handler's call); the gateway serialises it into its gRPC request inside that call.
     * (For a direct buffer protobuf copies each track into a new array.)
     */
    public static Audio parseAudio(ByteBuffer frame, int blockSize) throws ProtocolException {
        ByteBuffer b = frame.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() < HEADER) {
            throw new ProtocolException(CloseCodes.MALFORMED_FRAME, "binary frame of " + b.remaining()
                    + " bytes is shorter than the 16-byte header");
        }
        int kind = b.get() & 0xff;
        int version = b.get() & 0xff;
        if (kind != AUDIO) {
            throw new ProtocolException(CloseCodes.MALFORMED_FRAME, "binary frame kind " + kind + " is not 1 (audio)");
        }
        if (version != VERSION) {
            throw new ProtocolException(CloseCodes.MALFORMED_FRAME, "binary frame version " + version + " is not 1");
        }
        int count = b.getShort() & 0xffff;
        long frames = b.getInt() & 0xffffffffL;
        long sequence = b.getLong();
        if (frames != blockSize) {
            throw new ProtocolException(CloseCodes.WRONG_FORMAT, "audio frame holds " + frames
                    + " frames per channel; the session's block size is " + blockSize);
        }
        if (sequence < 0) {
            throw new ProtocolException(CloseCodes.MALFORMED_FRAME, "sequence " + Long.toUnsignedString(sequence) + " is above 2^63-1");
        }
        TrackBlock[] tracks = new TrackBlock[count];
        for (int i = 0; i < count; i++) {
            if (b.remaining() < TRACK_HEADER) {
                throw new ProtocolException(CloseCodes.MALFORMED_FRAME, "audio frame is truncated in the header of track entry " + i);
            }
            int id = b.getShort() & 0xffff;
            int channels = b.get() & 0xff;
            b.get();
            if (channels != 1 && channels != 2) {
                throw new ProtocolException(CloseCodes.WRONG_FORMAT, "track " + id + " has " + channels + " channels; use 1 or 2");
            }
            int bytes = channels * blockSize * 4;
            if (b.remaining() < bytes) {
                throw new ProtocolException(CloseCodes.MALFORMED_FRAME, "audio frame is truncated: track " + id + " needs "
                        + bytes + " bytes of samples, " + b.remaining() + " remain");
            }
            ByteBuffer pcm = b.slice().limit(bytes);
            tracks[i] = new TrackBlock(id, UnsafeByteOperations.unsafeWrap(pcm));
            b.position(b.position() + bytes);
        }
        if (b.hasRemaining()) {
            throw new ProtocolException(CloseCodes.MALFORMED_FRAME, "audio frame has " + b.remaining() + " bytes after its last track");
        }
        return new Audio(sequence, tracks);
    }

    /** Largest legal client frame for a block size and track count. */
    public static int maxAudioBytes(int blockSize, int tracks) {
        return HEADER + tracks * (TRACK_HEADER + 8 * blockSize);
    }

    /** A server frame: header + stereo planar PCM (as the services send it). */
    public static byte[] mixFrame(byte kind, long sequence, int frames, ByteString pcm) {
        byte[] out = new byte[HEADER + pcm.size()];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.put(kind).put(VERSION).putShort((short) 2).putInt(frames).putLong(sequence);
        pcm.copyTo(out, HEADER);
        return out;
    }

    /** A client audio frame (used by clients and tests): tracks' planar PCM as given. */
    public static byte[] audioFrame(long sequence, int frames, int[] trackIds, int[] channels, byte[][] pcm) {
        int size = HEADER;
        for (byte[] p : pcm) {
            size += TRACK_HEADER + p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(AUDIO).put(VERSION).putShort((short) trackIds.length).putInt(frames).putLong(sequence);
        for (int i = 0; i < trackIds.length; i++) {
            b.putShort((short) trackIds[i]).put((byte) channels[i]).put((byte) 0).put(pcm[i]);
        }
        return b.array();
    }
}
