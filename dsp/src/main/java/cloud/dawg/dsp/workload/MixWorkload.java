package cloud.dawg.dsp.workload;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.mix.MixEngine;
import cloud.dawg.dsp.strip.CompressorSettings;
import cloud.dawg.dsp.strip.EqBand;
import cloud.dawg.dsp.strip.EqSettings;
import cloud.dawg.dsp.strip.StripSettings;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * The standard mix workload: a session of N tracks with EQ and compressor active on every strip,
 * spread pans, and music-like input (decaying partials with noise, a different note per
 * track and bar), processed block by block through the whole engine path: input copy with
 * sanitising, strips, bus, master, meters and reading the mix. Measured in thread CPU time.
 *
 * <p>The input is laid out block-major, as a live session delivers it (one message holds every
 * track of a block): block n's left channels of all tracks lie together, then block n + 1's. It
 * is far larger than the caches, so it streams from memory as live input does; laid out one array
 * per track instead, each block would read 128 separate 512-byte pieces, which the hardware
 * prefetchers do not follow (measured: about 170 ns more per track-block on native).
 * Used by {@code dawg bench mix}, the JMH benchmarks and backend calibration.
 */
public final class MixWorkload implements Workload {
    private static final int INPUT_SECONDS = 2;

    private final MixEngine engine;
    private final int tracks;
    private final int block;
    private final int sampleRate;
    /** Block b of track t starts at (b * tracks + t) * block. */
    private final float[] left, right;
    private final float[] mixL, mixR;
    private final float[] silence;
    private int cursor;

    public MixWorkload(Backend backend, int tracks, int sampleRate, int block) {
        this(backend, tracks, sampleRate, block, INPUT_SECONDS);
    }

    /**
     * A workload whose input loops every {@code inputSeconds} (shorter input is quicker to make:
     * the backend selector's calibration uses a quarter second).
     */
    public MixWorkload(Backend backend, int tracks, int sampleRate, int block, double inputSeconds) {
        this.tracks = tracks;
        this.block = block;
        this.sampleRate = sampleRate;
        this.engine = new MixEngine(backend, sampleRate, block, tracks);
        SplittableRandom rnd = new SplittableRandom(42);
        for (int t = 0; t < tracks; t++) {
            engine.addTrack(strip(rnd));
        }
        engine.setMaster(StripSettings.DEFAULT.withGain(0.125).withComp(new CompressorSettings(true, -6, 2)));
        int frames = Math.max(1, (int) (inputSeconds * sampleRate / block)) * block;
        left = new float[tracks * frames];
        right = new float[tracks * frames];
        float[] trackLeft = new float[frames], trackRight = new float[frames];
        for (int t = 0; t < tracks; t++) {
            music(rnd, sampleRate, trackLeft, trackRight);
            for (int b = 0; b < frames / block; b++) {
                System.arraycopy(trackLeft, b * block, left, (b * tracks + t) * block, block);
                System.arraycopy(trackRight, b * block, right, (b * tracks + t) * block, block);
            }
        }
        mixL = new float[block];
        mixR = new float[block];
        silence = new float[block];
    }

    static StripSettings strip(SplittableRandom rnd) {
        EqSettings eq = new EqSettings(true,
                new EqBand(60 + 200 * rnd.nextDouble(), rnd.nextDouble(-6, 6), EqBand.DEFAULT_Q),
                new EqBand(300 + 3000 * rnd.nextDouble(), rnd.nextDouble(-6, 6), 0.5 + 2 * rnd.nextDouble()),
                new EqBand(3000 + 9000 * rnd.nextDouble(), rnd.nextDouble(-6, 6), EqBand.DEFAULT_Q));
        CompressorSettings comp = new CompressorSettings(true, rnd.nextDouble(-30, -6), rnd.nextDouble(2, 8));
        return new StripSettings(eq, comp, rnd.nextDouble(0.5, 1), rnd.nextDouble(-1, 1), false, false, false);
    }

    /** Decaying harmonic notes (a new note every quarter second) with a little noise. */
    static void music(SplittableRandom rnd, int sampleRate, float[] left, float[] right) {
        int noteFrames = sampleRate / 4;
        double f = 0, phase = 0;
        for (int i = 0; i < left.length; i++) {
            int inNote = i % noteFrames;
            if (inNote == 0) {
                f = 55 * Math.pow(2, rnd.nextInt(48) / 12.0);
            }
            double env = Math.exp(-6.0 * inNote / noteFrames);
            phase += 2 * Math.PI * f / sampleRate;
            double s = 0;
            for (int h = 1; h <= 6; h++) {
                s += Math.sin(h * phase) / h;
            }
            double noise = rnd.nextDouble(-1, 1) * 0.02;
            left[i] = (float) (0.5 * env * s + noise);
            right[i] = (float) (0.5 * env * Math.sin(phase + 0.3) + noise);
        }
    }

    /** Processes one block of the music input. */
    public void block() {
        int at = cursor;
        for (int t = 0; t < tracks; t++) {
            engine.writeInput(t, left, right, at + t * block, block);
        }
        engine.process(block);
        engine.readMix(mixL, mixR, 0, block);
        cursor = at + tracks * block >= left.length ? 0 : at + tracks * block;
    }

    @Override
    public int units() {
        return tracks;
    }

    @Override
    public double nsPerUnitBlock(double seconds) {
        return measure(seconds).nsPerTrackBlock();
    }

    /**
     * Processes a short block of {@code frames} frames: thousands of these get the kernels
     * compiled by the JIT in a fraction of the time full blocks take while still interpreted.
     */
    @Override
    public void shortBlock(int frames) {
        for (int t = 0; t < tracks; t++) {
            engine.writeInput(t, left, right, t * block, frames);
        }
        engine.process(frames);
        engine.readMix(mixL, mixR, 0, frames);
    }

    /** Processes one block of silence: after loud blocks, the filters' decaying tails. */
    public void silentBlock() {
        for (int t = 0; t < tracks; t++) {
            engine.writeInput(t, silence, silence, 0, block);
        }
        engine.process(block);
        engine.readMix(mixL, mixR, 0, block);
    }

    public int tracks() { return tracks; }
    public int blockSize() { return block; }
    public int sampleRate() { return sampleRate; }
    public MixEngine engine() { return engine; }
    /** The last block's mix (left), for benchmarks to consume. */
    public float[] mixLeft() { return mixL; }

    /** The result of a timed run. */
    public record Measurement(String backend, int tracks, long blocks, long cpuNanos, double audioSeconds) {
        public double nsPerTrackBlock() {
            return (double) cpuNanos / ((double) blocks * tracks);
        }

        /** Seconds of stereo track audio processed per CPU-second. */
        public double realtimeStripsPerCore() {
            return audioSeconds * tracks / (cpuNanos / 1e9);
        }
    }

    /** Runs music blocks for at least {@code seconds} of audio and returns thread CPU time. */
    public Measurement measure(double seconds) {
        return measure(seconds, false);
    }

    /** Runs {@code seconds} of audio: music, or silence right after a loud burst (the denormal case). */
    public Measurement measure(double seconds, boolean tail) {
        long blocks = Math.max(1, Math.round(seconds * sampleRate / block));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (tail) {
            for (int i = 0; i < sampleRate / block / 4; i++) {
                block(); // a quarter second of loud music to excite every filter
            }
        }
        long start = threads.getCurrentThreadCpuTime();
        for (long i = 0; i < blocks; i++) {
            if (tail) {
                silentBlock();
            } else {
                block();
            }
        }
        long cpu = threads.getCurrentThreadCpuTime() - start;
        return new Measurement(engine.backendName(), tracks, blocks, cpu, (double) blocks * block / sampleRate);
    }

    @Override
    public void close() {
        engine.close();
    }
}
