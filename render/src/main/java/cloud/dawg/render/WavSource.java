package cloud.dawg.render;

import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A WAV file read block by block as float32 (16/24/32-bit PCM or 32-bit float, mono or stereo;
 * mono feeds both sides). javax.sound parses the file (RIFF chunks, WAVE_FORMAT_EXTENSIBLE);
 * this class scales the samples, checks what the renderer needs and pads with silence.
 */
public final class WavSource implements TrackInput {
    private final AudioInputStream samples;
    private final int channels;
    private final int bytesPerSample;
    private final boolean isFloat;
    private final int sampleRate;
    private final long frames;
    private final byte[] bytes;
    private long position;

    private WavSource(AudioInputStream samples, int channels, int bytesPerSample, boolean isFloat, int sampleRate,
                      long frames, int maxBlock) {
        this.samples = samples;
        this.channels = channels;
        this.bytesPerSample = bytesPerSample;
        this.isFloat = isFloat;
        this.sampleRate = sampleRate;
        this.frames = frames;
        this.bytes = new byte[maxBlock * channels * 4];
    }

    /** Opens and checks a source; {@code owner} names it in errors (e.g. {@code track 'drums'}). */
    public static WavSource open(Path file, String owner, int maxBlock) throws ProjectException {
        if (!Files.isRegularFile(file)) {
            throw new ProjectException(owner + ": source.file: " + file + " does not exist");
        }
        AudioInputStream in = null;
        try {
            in = AudioSystem.getAudioInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            AudioFormat format = in.getFormat();
            AudioFormat.Encoding enc = format.getEncoding();
            int bits = format.getSampleSizeInBits();
            boolean pcm = enc.equals(AudioFormat.Encoding.PCM_SIGNED) && (bits == 16 || bits == 24 || bits == 32);
            boolean fl = enc.equals(AudioFormat.Encoding.PCM_FLOAT) && bits == 32;
            if (!pcm && !fl) {
                throw new ProjectException(owner + ": source.file: " + file.getFileName() + " is " + enc + " " + bits
                        + "-bit; supported are 16/24/32-bit PCM and 32-bit float WAV");
            }
            int channels = format.getChannels();
            if (channels != 1 && channels != 2) {
                throw new ProjectException(owner + ": source.file: " + file.getFileName() + " has " + channels
                        + " channels; supported are mono and stereo");
            }
            if (format.isBigEndian()) {
                throw new ProjectException(owner + ": source.file: " + file.getFileName() + " is big-endian; WAV is little-endian");
            }
            long frames = in.getFrameLength();
            if (frames == AudioSystem.NOT_SPECIFIED) {
                throw new ProjectException(owner + ": source.file: " + file.getFileName() + " does not state its length");
            }
            return new WavSource(in, channels, bits / 8, fl, Math.round(format.getSampleRate()), frames, maxBlock);
        } catch (UnsupportedAudioFileException e) {
            close(in);
            throw new ProjectException(owner + ": source.file: " + file.getFileName() + " is not a WAV file javax.sound can read ("
                    + e.getMessage() + ")");
        } catch (IOException e) {
            close(in);
            throw new ProjectException(owner + ": source.file: cannot read " + file + ": " + e.getMessage(), e);
        } catch (ProjectException | RuntimeException e) {
            close(in);
            throw e;
        }
    }

    private static void close(AudioInputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // already failing with a better message
            }
        }
    }

    public int sampleRate() { return sampleRate; }
    public int channels() { return channels; }
    @Override
    public long frames() { return frames; }

    /** Reads the next {@code n} frames into {@code left}/{@code right}; past the end, silence. */
    @Override
    public void read(float[] left, float[] right, int n) throws IOException {
        int available = (int) Math.max(0, Math.min(n, frames - position));
        int frameBytes = channels * bytesPerSample;
        int want = available * frameBytes;
        int got = 0;
        while (got < want) {
            int r = samples.read(bytes, got, want - got);
            if (r < 0) {
                break;
            }
            got += r;
        }
        int whole = got / frameBytes;
        ByteBuffer buf = ByteBuffer.wrap(bytes, 0, got).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < whole; i++) {
            float l = sample(buf);
            left[i] = l;
            right[i] = channels == 2 ? sample(buf) : l;
        }
        for (int i = whole; i < n; i++) {
            left[i] = 0;
            right[i] = 0;
        }
        position += n;
    }

    /**
     * One sample as float, integer PCM scaled by 2^-(bits-1) (full scale -1..1-2^-(bits-1)), as
     * the browser's reference reader does; javax.sound's own converter scales 16-bit by 1/32767.
     */
    private float sample(ByteBuffer buf) {
        if (isFloat) {
            return buf.getFloat();
        }
        return switch (bytesPerSample) {
            case 2 -> buf.getShort() / 32768f;
            case 3 -> {
                int v = (buf.get() & 0xff) | (buf.get() & 0xff) << 8 | buf.get() << 16;
                yield (float) (v / 8388608.0);
            }
            default -> (float) (buf.getInt() / 2147483648.0);
        };
    }

    @Override
    public void close() throws IOException {
        samples.close();
    }
}
