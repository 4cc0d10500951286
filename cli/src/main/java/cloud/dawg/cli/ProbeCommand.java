package cloud.dawg.cli;

import cloud.dawg.selector.BackendSelector;
import cloud.dawg.selector.Calibration;
import cloud.dawg.selector.Engine;
import cloud.dawg.selector.NodeReport;
import cloud.dawg.selector.Overrides;
import cloud.dawg.selector.Policy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Probes this node, calibrates and self-checks every DSP backend, and prints the backend chosen",
                "per engine with the node's capacity: what a service does at start-up.",
                "Overrides: -Ddawg.backend[.mix|.synth]=auto|scalar|simd|native, -Ddawg.backend.fallback=true|false",
                "(or DAWG_BACKEND, DAWG_BACKEND_MIX, DAWG_BACKEND_SYNTH, DAWG_BACKEND_FALLBACK)."})
final class ProbeCommand implements Callable<Integer> {
    @Option(names = "--json", description = "the full report as JSON (schema: docs/node-report.schema.json)")
    boolean json;

    @Option(names = "--nfd", description = "Node Feature Discovery local feature lines (name=value)")
    boolean nfd;

    @Option(names = "--calibration-ms", paramLabel = "MS", description = "time per backend and engine, 1..300 (default: ${DEFAULT-VALUE})")
    long calibrationMillis = BackendSelector.DEFAULT_BUDGET_MILLIS;

    @Option(names = "--thorough", description = "measure each backend until steady (seconds each) instead of within the start-up budget")
    boolean thorough;

    @Option(names = "--target-load", paramLabel = "0..1", description = "load at which capacity is counted (default: ${DEFAULT-VALUE})")
    double targetLoad = BackendSelector.DEFAULT_TARGET_LOAD;

    @Override
    public Integer call() {
        if (calibrationMillis < 1 || calibrationMillis > BackendSelector.MAX_BUDGET_MILLIS) {
            System.err.println("dawg probe: --calibration-ms " + calibrationMillis + " is outside 1.." + BackendSelector.MAX_BUDGET_MILLIS);
            return DawgCli.BAD_INPUT;
        }
        NodeReport report;
        try {
            report = BackendSelector.select(Overrides.fromSystem(), thorough ? Calibration.Mode.THOROUGH : Calibration.Mode.QUICK,
                    calibrationMillis, targetLoad);
        } catch (Policy.SelectionException | IllegalArgumentException e) {
            System.err.println("dawg probe: " + e.getMessage());
            return DawgCli.BAD_INPUT;
        }
        report.warnings().forEach(w -> System.err.println("dawg probe: warning: " + w));
        if (nfd) {
            report.nfdLines().forEach(System.out::println);
        } else if (json) {
            System.out.println(report.toJsonString());
        } else {
            print(report);
        }
        return 0;
    }

    private static void print(NodeReport r) {
        var n = r.node();
        System.out.printf(Locale.ROOT, "node     %s %s, %s, %d host cores, %.2f usable (%s)%n", n.os(), n.arch(), n.cpuModel(),
                n.hostCores(), n.usableCores(), n.coresSource());
        System.out.printf(Locale.ROOT, "features %s%n", String.join(" ", n.cpuFeatures()));
        System.out.printf(Locale.ROOT, "jdk      %s, Vector API %s%n", n.jdk(),
                n.vectorApi() ? "present, " + n.preferredVectorBits() + "-bit preferred" : "absent");
        for (Calibration.Result c : r.calibration()) {
            String figure = c.trusted() ? String.format(Locale.ROOT, "%9.0f realtime %s/core%s", c.realtimePerCore(), c.engine().unit(),
                    c.steady() ? "" : " (warming)")
                    : (c.available() ? "not trusted" : "unavailable");
            System.out.printf(Locale.ROOT, "%-5s %-7s %-40s %5d ms  %s%n", c.engine().key(), c.backend(), figure, c.millis(), c.reason());
        }
        for (Engine e : Engine.values()) {
            Policy.Choice c = r.choices().get(e);
            System.out.printf(Locale.ROOT, "chosen   %s: %s (%s), falls back to %s; capacity %d realtime %s at %.0f%% load%n",
                    e.key(), c.backend(), c.reason(), c.fallbackOrder().subList(1, c.fallbackOrder().size()),
                    r.capacity(e), e.unit(), 100 * r.targetLoad());
        }
        System.out.printf(Locale.ROOT, "calibration took %d ms%n", r.calibrationMillis());
    }
}
