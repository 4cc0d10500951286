package cloud.dawg.service;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PcmTest {
    @Test
    void shouldDecodeWhatItEncodedBitForBit() {
        float[] l = {0.5f, -1f, Float.MIN_VALUE, 3.25e-7f}, r = {1f, 0f, -0f, -0.125f};
        float[] outL = new float[4], outR = new float[4];
        Pcm.decode(Pcm.encode(l, r, 4), 4, Pcm.scratch(4), outL, outR);
        assertArrayEquals(l, outL);
        assertArrayEquals(r, outR);
    }

    @Test
    void shouldFeedAMonoBlockToBothSides() {
        float[] l = {0.5f, -0.25f};
        ByteString mono = Pcm.encode(l, l, 2).substring(0, 8);
        float[] outL = new float[2], outR = new float[2];
        Pcm.decode(mono, 2, Pcm.scratch(2), outL, outR);
        assertArrayEquals(l, outR);
    }

    @Test
    void shouldNameTheSizesWhenABlockHasTheWrongLength() {
        String m = assertThrows(IllegalArgumentException.class,
                () -> Pcm.decode(ByteString.copyFrom(new byte[12]), 4, Pcm.scratch(4), new float[4], new float[4])).getMessage();
        assertTrue(m.contains("12 bytes") && m.contains("32") && m.contains("16"), m);
    }
}
