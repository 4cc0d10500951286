package cloud.dawg.selector;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.scalar.ScalarBackend;
import cloud.dawg.dsp.mix.MixEngine;
import cloud.dawg.dsp.strip.CompressorSettings;
import cloud.dawg.dsp.strip.EqBand;
import cloud.dawg.dsp.strip.EqSettings;
import cloud.dawg.dsp.strip.StripSettings;
import cloud.dawg.dsp.synth.EnvelopeSettings;
import cloud.dawg.dsp.synth.FilterSettings;
import cloud.dawg.dsp.synth.InstrumentSettings;
import cloud.dawg.dsp.synth.OscillatorSettings;
import cloud.dawg.dsp.synth.SynthEngine;
import cloud.dawg.dsp.synth.Waveform;
import cloud.dawg.dsp.workload.MixWorkload;
import cloud.dawg.dsp.workload.SynthWorkload;
import cloud.dawg.dsp.workload.Workload;

import java.util.List;

/**
 * Measures one backend for one engine: first a self-check against the scalar reference on a
 * fixed session (a backend that fails it is never trusted, whatever its speed), then the
 * standard workload.
 *
 * <p>Two modes. {@link Mode#QUICK} (start-up) stays within a time budget: a burst of one-frame
 * blocks to get the kernels compiled, then one-block rounds, keeping the best. On a fresh JVM
 * the Java backends are still being compiled by then, so their figures understate them (the
 * scalar mix by up to 40x, the Vector API more); native code is measured at full speed at once.
 * Understating errs toward the reference, so a quick choice is never slower than scalar; it may
 * leave speed unused until {@link Mode#THOROUGH} (rounds until two agree within 5 %, seconds per
 * Java backend; {@code dawg probe --thorough}, and a service's background refinement) says otherwise.
 */
public final class Calibration {
    /** The spec's tolerance between backends, relative to {@code max(1, peak)}. */
    public static final double TOLERANCE = 1e-4;
    static final int SAMPLE_RATE = 48000, BLOCK = 128;
    static final int MIX_TRACKS = 64, SYNTH_VOICES = 256;
    private static final int WARM_UP_CALLS = 20_000;

    public enum Mode { QUICK, THOROUGH }

    private Calibration() {
    }

    /**
     * One engine's result for one backend. {@code realtimePerCore} is strips (mix) or voices
     * (synth); NaN when not measured. {@code steady}: the figure came from rounds that agreed.
     */
    public record Result(Engine engine, String backend, boolean available, boolean selfCheckPassed, double maxDifference,
                         double realtimePerCore, double nsPerUnitBlock, boolean steady, long millis, String reason) {
        public boolean trusted() {
            return available && selfCheckPassed;
        }
    }

    public static Result run(Engine engine, Backend backend, Mode mode, long budgetMillis) {
        long started = System.nanoTime();
        Backend.Availability availability = backend.availability();
        if (!availability.available()) {
            return new Result(engine, backend.name(), false, false, Double.NaN, Double.NaN, Double.NaN, false, 0, availability.reason());
        }
        double difference;
        try {
            difference = engine == Engine.MIX ? mixSelfCheck(backend) : synthSelfCheck(backend);
        } catch (RuntimeException | LinkageError e) {
            return new Result(engine, backend.name(), true, false, Double.NaN, Double.NaN, Double.NaN, false, elapsed(started),
                    "self-check failed: " + e);
        }
        if (!(difference <= TOLERANCE)) {
            return new Result(engine, backend.name(), true, false, difference, Double.NaN, Double.NaN, false, elapsed(started),
                    String.format("self-check failed: differs from the scalar reference by %.3g (tolerance %.0e)", difference, TOLERANCE));
        }
        Timing timing;
        try (Workload w = engine == Engine.MIX ? new MixWorkload(backend, MIX_TRACKS, SAMPLE_RATE, BLOCK, 0.25)
                : new SynthWorkload(backend, SYNTH_VOICES, SAMPLE_RATE, BLOCK)) {
            timing = mode == Mode.QUICK ? quick(w, started + budgetMillis * 1_000_000L) : thorough(w);
        } catch (RuntimeException | LinkageError e) {
            return new Result(engine, backend.name(), true, false, difference, Double.NaN, Double.NaN, false, elapsed(started),
                    "failed while timed: " + e);
        }
        double audioNsPerBlock = 1e9 * BLOCK / SAMPLE_RATE;
        return new Result(engine, backend.name(), true, true, difference, audioNsPerBlock / timing.ns, timing.ns, timing.steady,
                elapsed(started), difference == 0 && backend.name().equals(ScalarBackend.NAME) ? "the reference"
                        : String.format("self-check within %.2g of the reference", difference));
    }

    private record Timing(double ns, boolean steady) {
    }

    /**
     * One-frame blocks for half the remaining time (each runs every kernel method once at almost
     * no cost, so the JIT gets its invocation counts in milliseconds), then one-block rounds to
     * the deadline, keeping the best.
     */
    private static Timing quick(Workload w, long deadline) {
        long half = System.nanoTime() + (deadline - System.nanoTime()) / 2;
        for (int i = 0; i < WARM_UP_CALLS && System.nanoTime() < half; i++) {
            w.shortBlock(1);
        }
        double best = Double.POSITIVE_INFINITY, previous = Double.NaN;
        boolean steady = false;
        do {
            double now = w.nsPerUnitBlock(seconds(1));
            steady = Math.abs(now - previous) < 0.05 * previous;
            best = Math.min(best, now);
            previous = now;
        } while (System.nanoTime() < deadline);
        return new Timing(best, steady);
    }

    /**
     * Rounds of about a quarter second of CPU time until two agree within 5 % after at least
     * {@value #THOROUGH_MIN_SECONDS} s (the C2 compile of the Vector API kernels takes 1 to 4 s here;
     * an earlier plateau is C1's), at most {@value #THOROUGH_MAX_SECONDS} s; then half a second measured.
     */
    private static Timing thorough(Workload w) {
        long start = System.nanoTime();
        double previous = w.nsPerUnitBlock(seconds(1));
        boolean steady = false;
        while (System.nanoTime() - start < THOROUGH_MAX_SECONDS * 1_000_000_000L) {
            double now = w.nsPerUnitBlock(seconds(blocksFor(w, previous, 0.25)));
            boolean late = System.nanoTime() - start > THOROUGH_MIN_SECONDS * 1_000_000_000L;
            if (late && Math.abs(now - previous) < 0.05 * previous) {
                steady = true;
                break;
            }
            previous = now;
        }
        return new Timing(w.nsPerUnitBlock(seconds(blocksFor(w, previous, 0.5))), steady);
    }

    private static final long THOROUGH_MIN_SECONDS = 2, THOROUGH_MAX_SECONDS = 12;

    /** Audio seconds in {@code blocks} blocks. */
    private static double seconds(long blocks) {
        return (double) blocks * BLOCK / SAMPLE_RATE;
    }

    /** Blocks that take about {@code seconds} of CPU at {@code nsPerUnit}. */
    private static long blocksFor(Workload w, double nsPerUnit, double seconds) {
        return Math.max(1, (long) (seconds * 1e9 / (nsPerUnit * w.units())));
    }

    private static long elapsed(long started) {
        return (System.nanoTime() - started) / 1_000_000L;
    }

    // ---- self-checks: fixed sessions that exercise every feature, compared with the reference ----

    private static final int CHECK_FRAMES = 32 * BLOCK; // about 85 ms: enough to meet every feature, short enough for a cold JIT
    private static volatile float[] mixReference, synthReference;

    static double mixSelfCheck(Backend backend) {
        if (backend.name().equals(ScalarBackend.NAME)) {
            return 0; // the reference itself
        }
        if (mixReference == null) {
            mixReference = mixSession(new ScalarBackend());
        }
        return relativeDifference(mixReference, mixSession(backend));
    }

    /** 19 tracks (not a multiple of any lane count) with EQ, compression, pan, mono and a muted track. */
    private static float[] mixSession(Backend backend) {
        int tracks = 19;
        float[] out = new float[2 * CHECK_FRAMES];
        float[] l = new float[BLOCK], r = new float[BLOCK], ml = new float[BLOCK], mr = new float[BLOCK];
        try (MixEngine engine = new MixEngine(backend, SAMPLE_RATE, BLOCK, tracks)) {
            for (int t = 0; t < tracks; t++) {
                EqSettings eq = new EqSettings(true, new EqBand(60 + 20 * t, 6 - t % 12, 0.7),
                        new EqBand(400 + 150 * t, -3 + t % 7, 0.5 + 0.3 * (t % 5)), new EqBand(3000 + 700 * t, 4 - t % 9, 0.7));
                CompressorSettings comp = new CompressorSettings(t % 3 != 0, -30 + t, 2 + t % 6);
                engine.addTrack(new StripSettings(eq, comp, 0.3 + 0.05 * t, -1 + 2.0 * t / tracks, t % 4 == 1, t == 7, false));
            }
            for (int at = 0; at < CHECK_FRAMES; at += BLOCK) {
                for (int t = 0; t < tracks; t++) {
                    for (int i = 0; i < BLOCK; i++) {
                        double x = (at + i) / (double) SAMPLE_RATE;
                        l[i] = (float) (0.6 * Math.sin(2 * Math.PI * (55 * (t + 1)) * x) + 0.2 * Math.sin(2 * Math.PI * 3100 * x + t));
                        r[i] = (float) (0.5 * Math.sin(2 * Math.PI * (70 * (t + 1)) * x + 0.3) * (1 + Math.sin(2 * Math.PI * 3 * x)) / 2);
                    }
                    engine.writeInput(t, l, r, 0, BLOCK);
                }
                engine.process(BLOCK);
                engine.readMix(ml, mr, 0, BLOCK);
                System.arraycopy(ml, 0, out, 2 * at, BLOCK);
                System.arraycopy(mr, 0, out, 2 * at + BLOCK, BLOCK);
            }
        }
        return out;
    }

    static double synthSelfCheck(Backend backend) {
        if (backend.name().equals(ScalarBackend.NAME)) {
            return 0;
        }
        if (synthReference == null) {
            synthReference = synthSession(new ScalarBackend());
        }
        return relativeDifference(synthReference, synthSession(backend));
    }

    /** Two oscillators, filter, 24 voices with 32 notes (so some are stolen), releases and the pedal. */
    private static float[] synthSession(Backend backend) {
        InstrumentSettings instrument = new InstrumentSettings(
                List.of(new OscillatorSettings(Waveform.SAW, -9, 0.6), new OscillatorSettings(Waveform.SQUARE, 5, 0.4)),
                new EnvelopeSettings(0.004, 0.03, 0.6, 0.05), new FilterSettings(true, 2500, 3), 0.5, 24);
        float[] out = new float[CHECK_FRAMES], right = new float[CHECK_FRAMES];
        try (SynthEngine synth = new SynthEngine(backend, instrument, SAMPLE_RATE, BLOCK)) {
            for (int at = 0, block = 0; at < CHECK_FRAMES; at += BLOCK, block++) {
                if (block < 32) {
                    synth.noteOn(block * 3 % BLOCK, 30 + block * 7 % 70, 40 + block * 13 % 87);
                }
                if (block % 5 == 4) {
                    synth.noteOff(17, 30 + (block - 4) * 7 % 70);
                }
                if (block == 10 || block == 25) {
                    synth.sustain(0, block == 10);
                }
                synth.process(out, right, at, BLOCK);
            }
        }
        return out;
    }

    static double relativeDifference(float[] reference, float[] candidate) {
        double peak = 0, diff = 0;
        for (int i = 0; i < reference.length; i++) {
            peak = Math.max(peak, Math.abs(reference[i]));
            double d = Math.abs((double) reference[i] - candidate[i]);
            diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
        }
        return diff / Math.max(1, peak);
    }
}
