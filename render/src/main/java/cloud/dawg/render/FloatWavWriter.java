package cloud.dawg.render;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Streams a 32-bit float stereo WAV (WAVE_FORMAT_IEEE_FLOAT) block by block, then fills in the
 * sizes. Hand-written because javax.sound writes only from a stream of known length, and a
 * long render should not sit in memory; the format is the 44-byte canonical header.
 */
public final class FloatWavWriter implements Closeable {
    private static final int HEADER = 44;
    private static final int BUFFER_FRAMES = 32768;
    private final FileChannel channel;
    private final ByteBuffer block;
    private final int sampleRate;
    private long frames;

    public FloatWavWriter(Path file, int sampleRate, int maxBlock) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        // whole blocks gathered into about 256 KiB per write: one system call per 128-frame block cost more than the DSP
        this.block = ByteBuffer.allocateDirect(Math.max(maxBlock, BUFFER_FRAMES) * 2 * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        this.sampleRate = sampleRate;
        channel.write(header(0), 0);
        channel.position(HEADER);
    }

    public void write(float[] left, float[] right, int n) throws IOException {
        if (block.remaining() < n * 2 * Float.BYTES) {
            drain();
        }
        for (int i = 0; i < n; i++) {
            block.putFloat(left[i]);
            block.putFloat(right[i]);
        }
        frames += n;
    }

    private void drain() throws IOException {
        block.flip();
        while (block.hasRemaining()) {
            channel.write(block);
        }
        block.clear();
    }

    /** Writes what is buffered and the final sizes, and forces the data to disk, so a rename after this is durable. */
    public void finish() throws IOException {
        drain();
        channel.write(header(frames), 0);
        channel.force(true);
    }

    private ByteBuffer header(long frameCount) throws IOException {
        long data = frameCount * 2 * Float.BYTES;
        if (data + 36 > 0xFFFFFFFFL) {
            throw new IOException("output exceeds the 4 GiB a WAV file can hold");
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) (36 + data));
        h.put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        h.put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16);
        h.putShort((short) 3).putShort((short) 2).putInt(sampleRate).putInt(sampleRate * 8).putShort((short) 8).putShort((short) 32);
        h.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) data);
        return h.flip();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
