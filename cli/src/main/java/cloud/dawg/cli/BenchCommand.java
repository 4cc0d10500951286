package cloud.dawg.cli;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.workload.MixWorkload;
import cloud.dawg.dsp.workload.SynthWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures realtime capacity per backend on one core.",
                "mix: the standard session (EQ + compressor on every strip, pan, bus, master, music-like input).",
                "synth: the standard voice (2 detuned saws, ADSR, SVF low-pass), sustained notes of varied pitch."})
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "mix|synth", description = "what to benchmark")
    String what;

    @Option(names = "--voices", defaultValue = "256", description = "synth: sustained voices (default: ${DEFAULT-VALUE})")
    int voices;

    @Option(names = "--backend", defaultValue = "all", paramLabel = "all|scalar|simd|native")
    String backend;

    @Option(names = "--tracks", defaultValue = "64", description = "tracks in the session (default: ${DEFAULT-VALUE})")
    int tracks;

    @Option(names = "--seconds", defaultValue = "5", description = "seconds of audio measured per backend (default: ${DEFAULT-VALUE})")
    double seconds;

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
        if (tracks < 1 || tracks > 4096 || seconds <= 0) {
            System.err.println("dawg bench: --tracks must be 1..4096 and --seconds positive");
            return DawgCli.BAD_INPUT;
        }
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
            try (MixWorkload w = new MixWorkload(b, tracks, sampleRate, block)) {
                warmUp(() -> w.measure(0.5).nsPerTrackBlock());
                MixWorkload.Measurement m = w.measure(seconds);
                MixWorkload.Measurement tail = w.measure(Math.max(0.5, seconds / 4), true);
                MixWorkload.Measurement normal = w.measure(Math.max(0.5, seconds / 4));
                if (b.name().equals("scalar")) {
                    scalarNs = m.nsPerTrackBlock();
                }
                print(new Row(b, m, tail.nsPerTrackBlock() / normal.nsPerTrackBlock()), scalarNs);
            }
        }
        return 0;
    }

    /**
     * Runs until the JIT has settled: two half-second rounds within 5 % of each other (at most
     * 20 rounds). The Vector API code is 100x slower until C2 has compiled it.
     */
    private static void warmUp(DoubleSupplier halfSecondRound) {
        double previous = halfSecondRound.getAsDouble();
        for (int round = 0; round < 20; round++) {
            double now = halfSecondRound.getAsDouble();
            if (Math.abs(now - previous) < 0.05 * previous) {
                return;
            }
            previous = now;
        }
    }

    /** The synth so far has only its reference (scalar) implementation; the others say so. */
    private int synth() {
        if (voices < 1 || voices > 4096 || seconds <= 0) {
            System.err.println("dawg bench synth: --voices must be 1..4096 and --seconds positive");
            return DawgCli.BAD_INPUT;
        }
        if (!backend.equalsIgnoreCase("all") && !backend.equalsIgnoreCase("scalar")) {
            System.err.println("dawg bench synth: --backend " + backend + ": the synth has only its scalar reference so far");
            return DawgCli.BAD_INPUT;
        }
        SynthWorkload w = new SynthWorkload(voices, sampleRate, block);
        warmUp(() -> w.measure(0.5).nsPerVoiceBlock());
        SynthWorkload.Measurement m = w.measure(seconds);
        if (json) {
            System.out.printf(Locale.ROOT, "{\"backend\":\"scalar\",\"available\":true,\"voices\":%d,\"blockSize\":%d,"
                    + "\"sampleRate\":%d,\"nsPerVoiceBlock\":%.1f,\"realtimeVoicesPerCore\":%.0f}%n",
                    voices, block, sampleRate, m.nsPerVoiceBlock(), m.realtimeVoicesPerCore());
        } else {
            System.out.printf(Locale.ROOT, "%-7s %8.1f ns/voice-block  %9.0f realtime voices/core%n",
                    "scalar", m.nsPerVoiceBlock(), m.realtimeVoicesPerCore());
        }
        if (backend.equalsIgnoreCase("all")) {
            for (String other : new String[]{"simd", "native"}) {
                if (json) {
                    System.out.printf("{\"backend\":\"%s\",\"available\":false,\"reason\":\"the synth kernel for this backend is not built yet\"}%n", other);
                } else {
                    System.out.printf("%-7s unavailable: the synth kernel for this backend is not built yet%n", other);
                }
            }
        }
        return 0;
    }

    private record Row(Backend backend, MixWorkload.Measurement m, double tailRatio) {
    }

    private void print(Row r, Double scalarNs) {
        double speedup = scalarNs == null ? Double.NaN : scalarNs / r.m.nsPerTrackBlock();
        Backend.Capabilities caps = r.backend.capabilities();
        if (json) {
            System.out.printf(Locale.ROOT, "{\"backend\":\"%s\",\"available\":true,\"isa\":\"%s\",\"lanes\":%d,\"tracks\":%d,"
                            + "\"blockSize\":%d,\"sampleRate\":%d,\"nsPerTrackBlock\":%.1f,\"realtimeStripsPerCore\":%.0f,"
                            + "\"speedupVsScalar\":%s,\"tailCostRatio\":%.3f}%n",
                    r.backend.name(), caps.isa(), caps.lanes(), tracks, block, sampleRate, r.m.nsPerTrackBlock(),
                    r.m.realtimeStripsPerCore(), Double.isNaN(speedup) ? "null" : String.format(Locale.ROOT, "%.2f", speedup),
                    r.tailRatio);
        } else {
            System.out.printf(Locale.ROOT, "%-7s %-10s %8.1f ns/track-block  %9.0f realtime strips/core  %s  tail/normal %.2f%n",
                    r.backend.name(), caps.isa(), r.m.nsPerTrackBlock(), r.m.realtimeStripsPerCore(),
                    Double.isNaN(speedup) ? "" : String.format(Locale.ROOT, "%6.1fx scalar", speedup), r.tailRatio);
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
