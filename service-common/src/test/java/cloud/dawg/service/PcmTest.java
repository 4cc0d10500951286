package cloud.dawg.service;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void shouldPutLittleEndianFloatsLeftThenRightOnTheWire() {
        byte[] wire = new byte[3 + Pcm.stereoBytes(2)];
        Pcm.encode(new float[] {1f, -2f}, new float[] {0.5f, Float.intBitsToFloat(0x7fc01234)}, 2, wire, 3);
        assertArrayEquals(new byte[] {0, 0, 0, // the offset is left alone
                0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0, // left: 1.0, -2.0
                0, 0, 0, 0x3f, 0x34, 0x12, (byte) 0xc0, 0x7f}, wire); // right: 0.5, a NaN's payload kept
        float[] l = new float[2], r = new float[2];
        Pcm.decode(wire, 3, 2, 2, l, r);
        assertArrayEquals(new float[] {1f, -2f}, l);
        assertEquals(0x7fc01234, Float.floatToRawIntBits(r[1]));
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
