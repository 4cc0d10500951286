package cloud.dawg.selector;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The choice, as a pure function of the calibration results and the overrides: the fastest
 * trusted backend (available and through its self-check), or the forced one; a forced backend
 * that cannot be trusted stops start-up with its reason, or, when fallback is allowed, gives
 * way to the next trusted one in the chain native, simd, scalar, with a warning. The runtime
 * fallback order is the choice followed by the trusted backends after it in that chain.
 */
public final class Policy {
    /** Fallback order: each gives way to the ones after it. */
    public static final List<String> CHAIN = List.of("native", "simd", "scalar");

    private Policy() {
    }

    /** An engine's backend, why, the order to fall back in at run time, and any warning. */
    public record Choice(Engine engine, String backend, String reason, List<String> fallbackOrder, Optional<String> warning) {
        public Choice {
            fallbackOrder = List.copyOf(fallbackOrder);
        }
    }

    /** A forced backend is unusable and fallback is off: the service must not start. */
    public static final class SelectionException extends RuntimeException {
        public SelectionException(String message) {
            super(message);
        }
    }

    public static Choice choose(Engine engine, List<Calibration.Result> results, Overrides overrides) {
        List<Calibration.Result> mine = results.stream().filter(r -> r.engine() == engine).toList();
        String requested = overrides.requested(engine);
        if (!requested.equals(Overrides.AUTO)) {
            Optional<Calibration.Result> forced = mine.stream().filter(r -> r.backend().equals(requested)).findFirst();
            String why = forced.map(Calibration.Result::reason).orElse("it was not calibrated");
            if (forced.isPresent() && forced.get().trusted()) {
                return new Choice(engine, requested, "forced by " + Overrides.propertyOf(engine) + " (or " + Overrides.PROPERTY + ")",
                        order(requested, mine, overrides.fallback()), Optional.empty());
            }
            String problem = Overrides.propertyOf(engine) + "=" + requested + " cannot be used: " + why;
            if (!overrides.fallback()) {
                throw new SelectionException(problem + " (set " + Overrides.FALLBACK_PROPERTY + "=true to fall back instead)");
            }
            String next = nextTrusted(requested, mine).orElseThrow(() -> new SelectionException(problem + ", and no backend after it in "
                    + CHAIN + " passed its self-check"));
            return new Choice(engine, next, "fell back from the forced " + requested, order(next, mine, true),
                    Optional.of(problem + "; using " + next + " instead"));
        }
        Calibration.Result fastest = null;
        for (Calibration.Result r : mine) {
            if (r.trusted() && (fastest == null || r.realtimePerCore() > fastest.realtimePerCore())) {
                fastest = r;
            }
        }
        if (fastest == null) {
            throw new SelectionException("no " + engine.key() + " backend passed its self-check: " + mine);
        }
        return new Choice(engine, fastest.backend(), String.format("fastest trusted backend: %.0f realtime %s per core",
                fastest.realtimePerCore(), engine.unit()), order(fastest.backend(), mine, overrides.fallback()), Optional.empty());
    }

    /** The first trusted backend after {@code name} in the chain. */
    private static Optional<String> nextTrusted(String name, List<Calibration.Result> mine) {
        List<String> after = order(name, mine, true);
        return after.size() > 1 ? Optional.of(after.get(1)) : Optional.empty();
    }

    private static List<String> order(String chosen, List<Calibration.Result> mine, boolean fallback) {
        List<String> order = new ArrayList<>(List.of(chosen));
        if (fallback) {
            for (int i = CHAIN.indexOf(chosen) + 1; i < CHAIN.size(); i++) {
                String candidate = CHAIN.get(i);
                if (mine.stream().anyMatch(r -> r.backend().equals(candidate) && r.trusted())) {
                    order.add(candidate);
                }
            }
        }
        return order;
    }
}
