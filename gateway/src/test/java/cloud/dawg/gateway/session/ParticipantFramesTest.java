package cloud.dawg.gateway.session;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ParticipantFramesTest {
    private static final int BLOCK = 16;

    @Test
    void shouldParseEveryTrackOfAnAudioFrameInOrder() throws Exception {
        byte[] mono = pcm(BLOCK * 4, 1), stereo = pcm(BLOCK * 8, 7);
        byte[] frame = ParticipantFrames.audioFrame(42, BLOCK, new int[] {3, 9}, new int[] {1, 2}, new byte[][] {mono, stereo});

        ParticipantFrames.Audio audio = ParticipantFrames.parseAudio(ByteBuffer.wrap(frame), BLOCK);

        assertEquals(42, audio.sequence());
        assertEquals(2, audio.tracks().length);
        assertEquals(3, audio.tracks()[0].trackId());
        assertArrayEquals(mono, audio.tracks()[0].pcm().toByteArray());
        assertEquals(9, audio.tracks()[1].trackId());
        assertArrayEquals(stereo, audio.tracks()[1].pcm().toByteArray());
    }

    @Test
    void shouldReadTrackAudioInPlaceRatherThanCopyingIt() throws Exception {
        byte[] frame = ParticipantFrames.audioFrame(1, BLOCK, new int[] {1}, new int[] {1}, new byte[][] {pcm(BLOCK * 4, 0)});

        ParticipantFrames.Audio audio = ParticipantFrames.parseAudio(ByteBuffer.wrap(frame), BLOCK);
        int firstSample = ParticipantFrames.HEADER + ParticipantFrames.TRACK_HEADER;
        frame[firstSample] = 99;

        assertEquals(99, audio.tracks()[0].pcm().byteAt(0), "the PCM is a view of the frame (valid while the frame is)");
    }

    @Test
    void shouldGetACopyOfTrackAudioFromADirectBufferWhichIsWhyTheSocketParsesFromAnArray() throws Exception {
        byte[] frame = ParticipantFrames.audioFrame(1, BLOCK, new int[] {1}, new int[] {1}, new byte[][] {pcm(BLOCK * 4, 0)});
        ByteBuffer direct = ByteBuffer.allocateDirect(frame.length).put(frame).flip();
        int firstSample = ParticipantFrames.HEADER + ParticipantFrames.TRACK_HEADER;

        ParticipantFrames.Audio audio = ParticipantFrames.parseAudio(direct, BLOCK);
        direct.put(firstSample, (byte) 99);

        // protobuf 4.36 copies a direct buffer it is asked to wrap; if this starts failing, it
        // views it instead, and SocketParticipant could parse Netty's frame without its copy
        assertEquals(frame[firstSample], audio.tracks()[0].pcm().byteAt(0), "the PCM was copied out of the direct buffer");
    }

    private static byte[] pcm(int bytes, int seed) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
