package cloud.dawg.cli;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.workload.MixWorkload;
import cloud.dawg.dsp.workload.Steady;
import cloud.dawg.dsp.workload.SynthWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures realtime capacity per backend on one core.",
                "mix: the standard session (EQ + compressor on every strip, pan, bus, master, music-like input).",
                "synth: the standard voice (2 detuned saws, ADSR, SVF low-pass), sustained notes of varied pitch."})
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "mix|synth", description = "what to benchmark")
    String what;

    @Option(names = "--voices", defaultValue = "256", description = "synth: sustained voices (default: ${DEFAULT-VALUE})")
    int voices;

    /** Seconds after the warm-up to wait at most for two rounds to agree. */
    private static final double MAX_EXTRA_WARMUP = 20;

    @Option(names = "--backend", defaultValue = "all", paramLabel = "all|auto|scalar|simd|native")
    String backend;

    @Option(names = "--tracks", defaultValue = "64", description = "tracks in the session (default: ${DEFAULT-VALUE})")
    int tracks;

    @Option(names = "--seconds", defaultValue = "5", description = "seconds of audio measured per backend (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--warmup", defaultValue = "4",
            description = "seconds each backend runs before measuring, and then until two rounds agree (default: ${DEFAULT-VALUE})")
    double warmup;

    @Option(names = "--sample-rate", defaultValue = "48000")
    int sampleRate;

    @Option(names = "--block", defaultValue = "128")
    int block;

    @Option(names = "--json", description = "one JSON object per backend on stdout")
    boolean json;

    @Override
    public Integer call() {
        if (what.equals("synth")) {
            return synth();
        }
        if (!what.equals("mix")) {
            System.err.println("dawg bench: unknown benchmark '" + what + "' (available: mix, synth)");
            return DawgCli.BAD_INPUT;
        }
        if (tracks < 1 || tracks > 4096 || seconds <= 0 || warmup < 0) {
            System.err.println("dawg bench: --tracks must be 1..4096, --seconds positive and --warmup not negative");
            return DawgCli.BAD_INPUT;
        }
        return eachBackend(b -> {
            try (MixWorkload w = new MixWorkload(b, tracks, sampleRate, block)) {
                // half-second rounds until the JIT settles, the silent path too: unwarmed, its first
                // blocks are the interpreter's, and the tail ratio measured the JIT (up to 4.6x)
                Steady.warmUp(() -> {
                    w.measure(0.25, true);
                    return w.measure(0.5).nsPerTrackBlock();
                }, warmup, warmup + MAX_EXTRA_WARMUP);
                MixWorkload.Measurement m = w.measure(seconds);
                double tailRatio = tailRatio(w, Math.max(0.5, seconds / 4));
                return new Result(m.nsPerTrackBlock(), String.format(Locale.ROOT,
                        "\"tracks\":%d,\"nsPerTrackBlock\":%.1f,\"realtimeStripsPerCore\":%.0f,\"tailCostRatio\":%.3f",
                        tracks, m.nsPerTrackBlock(), m.realtimeStripsPerCore(), tailRatio),
                        String.format(Locale.ROOT, "%8.1f ns/track-block  %9.0f realtime strips/core", m.nsPerTrackBlock(),
                                m.realtimeStripsPerCore()),
                        String.format(Locale.ROOT, "tail/normal %.2f", tailRatio));
            }
        });
    }

    /**
     * The cost of a decaying tail over a music block: the median of three pairs measured back to
     * back, so that a noisy moment on the machine spoils one pair, not the figure.
     */
    private static double tailRatio(MixWorkload w, double seconds) {
        double[] ratios = new double[3];
        for (int i = 0; i < ratios.length; i++) {
            double tail = w.measure(seconds / 3, true).nsPerTrackBlock();
            ratios[i] = tail / w.measure(seconds / 3).nsPerTrackBlock();
        }
        Arrays.sort(ratios);
        return ratios[1];
    }

    /** One backend's figures: its cost for the speed-up, and its fields for JSON and for people. */
    private record Result(double ns, String jsonFields, String figures, String remark) {
    }

    private interface Measure {
        Result on(Backend backend);
    }

    /** Measures each chosen backend in turn; unavailable ones say why. */
    private int eachBackend(Measure measure) {
        List<Backend> backends;
        try {
            backends = BackendChoice.many(backend);
        } catch (BackendChoice.BadInput e) {
            System.err.println("dawg bench: " + e.getMessage());
            return DawgCli.BAD_INPUT;
        }
        Double scalarNs = null;
        for (Backend b : backends) {
            if (!b.availability().available()) {
                if (json) {
                    System.out.printf(Locale.ROOT, "{\"backend\":\"%s\",\"available\":false,\"reason\":%s}%n", b.name(),
                            quote(b.availability().reason()));
                } else {
                    System.out.printf("%-7s unavailable: %s%n", b.name(), b.availability().reason());
                }
                continue;
            }
            Result r = measure.on(b);
            if (b.name().equals("scalar")) {
                scalarNs = r.ns;
            }
            double speedup = scalarNs == null ? Double.NaN : scalarNs / r.ns;
            Backend.Capabilities caps = b.capabilities();
            if (json) {
                System.out.printf(Locale.ROOT, "{\"backend\":\"%s\",\"available\":true,\"isa\":\"%s\",\"lanes\":%d,"
                                + "\"blockSize\":%d,\"sampleRate\":%d,%s,\"speedupVsScalar\":%s}%n",
                        b.name(), caps.isa(), caps.lanes(), block, sampleRate, r.jsonFields,
                        Double.isNaN(speedup) ? "null" : String.format(Locale.ROOT, "%.2f", speedup));
            } else {
                System.out.printf(Locale.ROOT, "%-7s %-10s %s  %s  %s%n", b.name(), caps.isa(), r.figures,
                        Double.isNaN(speedup) ? "" : String.format(Locale.ROOT, "%6.1fx scalar", speedup), r.remark);
            }
        }
        return 0;
    }

    private int synth() {
        if (voices < 1 || voices > 4096 || seconds <= 0 || warmup < 0) {
            System.err.println("dawg bench synth: --voices must be 1..4096, --seconds positive and --warmup not negative");
            return DawgCli.BAD_INPUT;
        }
        return eachBackend(b -> {
            try (SynthWorkload w = new SynthWorkload(b, voices, sampleRate, block)) {
                Steady.warmUp(() -> w.measure(0.5).nsPerVoiceBlock(), warmup, warmup + MAX_EXTRA_WARMUP);
                SynthWorkload.Measurement m = w.measure(seconds);
                return new Result(m.nsPerVoiceBlock(), String.format(Locale.ROOT,
                        "\"voices\":%d,\"nsPerVoiceBlock\":%.1f,\"realtimeVoicesPerCore\":%.0f",
                        voices, m.nsPerVoiceBlock(), m.realtimeVoicesPerCore()),
                        String.format(Locale.ROOT, "%8.1f ns/voice-block  %9.0f realtime voices/core", m.nsPerVoiceBlock(),
                                m.realtimeVoicesPerCore()), "");
            }
        });
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
