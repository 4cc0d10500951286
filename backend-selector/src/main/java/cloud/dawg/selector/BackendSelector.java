package cloud.dawg.selector;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.BackendChain;
import cloud.dawg.dsp.backend.Backends;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Start-up selection for a service: probe the node, calibrate every available backend for both
 * engines (self-check, then a bounded timed run), choose per engine, and compute the capacity.
 * {@link #chain} gives the engines their run-time fallback chain.
 */
public final class BackendSelector {
    /** Per backend and engine; the bound is 300 ms. */
    public static final long DEFAULT_BUDGET_MILLIS = 120, MAX_BUDGET_MILLIS = 300;
    public static final double DEFAULT_TARGET_LOAD = 0.7;

    private BackendSelector() {
    }

    /** Selection with the system's overrides, {@code dawg.calibration.millis} and {@code dawg.capacity.target-load}. */
    public static NodeReport selectFromSystem() {
        long budget = Long.getLong("dawg.calibration.millis", DEFAULT_BUDGET_MILLIS);
        double load = Double.parseDouble(System.getProperty("dawg.capacity.target-load", String.valueOf(DEFAULT_TARGET_LOAD)));
        return select(Overrides.fromSystem(), Calibration.Mode.QUICK, budget, load);
    }

    /** {@code budgetMillis} bounds each quick calibration; thorough ones run until steady. */
    public static NodeReport select(Overrides overrides, Calibration.Mode mode, long budgetMillis, double targetLoad) {
        if (budgetMillis < 1 || budgetMillis > MAX_BUDGET_MILLIS) {
            throw new IllegalArgumentException("dawg.calibration.millis=" + budgetMillis + " is outside 1.." + MAX_BUDGET_MILLIS);
        }
        if (!(targetLoad > 0 && targetLoad <= 1)) {
            throw new IllegalArgumentException("dawg.capacity.target-load=" + targetLoad + " is outside (0, 1]");
        }
        long started = System.nanoTime();
        NodeProbe.Facts facts = NodeProbe.probe();
        List<Calibration.Result> results = new ArrayList<>();
        for (Engine engine : Engine.values()) {
            for (Backend backend : Backends.all()) {
                results.add(Calibration.run(engine, backend, mode, budgetMillis));
            }
        }
        Map<Engine, Policy.Choice> choices = new EnumMap<>(Engine.class);
        for (Engine engine : Engine.values()) {
            choices.put(engine, Policy.choose(engine, results, overrides));
        }
        return new NodeReport(facts, results, choices, targetLoad, (System.nanoTime() - started) / 1_000_000L);
    }

    /** The backends an engine uses at run time, in order: the choice, then its fallbacks; moves go to {@code listener}. */
    public static BackendChain chain(NodeReport report, Engine engine, BackendChain.Listener listener) {
        List<Backend> order = report.choices().get(engine).fallbackOrder().stream().map(Backends::byName).toList();
        return new BackendChain(order, listener);
    }
}
