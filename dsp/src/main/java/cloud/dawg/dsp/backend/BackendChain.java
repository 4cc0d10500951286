package cloud.dawg.dsp.backend;

import java.util.List;

/**
 * The backends an engine may run on, in order: it starts on the first and, if that one throws
 * or produces non-finite output mid-session, moves to the next (the backend selector builds the
 * order: the choice, then the trusted backends after it in native, simd, scalar). Each move is
 * reported to the listener, which logs and counts it.
 */
public final class BackendChain {
    /** Told about every move from one backend to the next. */
    public interface Listener {
        void fellBack(String engine, String from, String to, String cause);
    }

    /** Logs each move as a warning. */
    public static final Listener LOG = (engine, from, to, cause) -> System.getLogger("cloud.dawg.dsp")
            .log(System.Logger.Level.WARNING, "{0} engine moved from backend {1} to {2}: {3}", engine, from, to, cause);

    private final List<Backend> order;
    private final Listener listener;

    public BackendChain(List<Backend> order, Listener listener) {
        if (order.isEmpty()) {
            throw new IllegalArgumentException("a backend chain needs at least one backend");
        }
        this.order = List.copyOf(order);
        this.listener = listener;
    }

    /** Just this backend: a failure is not recovered. */
    public static BackendChain only(Backend backend) {
        return new BackendChain(List.of(backend), LOG);
    }

    public Backend first() {
        return order.getFirst();
    }

    /** Whether there is a backend after {@code current}. */
    public boolean hasNext(Backend current) {
        return order.indexOf(current) < order.size() - 1;
    }

    /**
     * The next available backend after {@code current}, reporting the move.
     *
     * @throws IllegalStateException (with the original failure as cause) when there is none
     */
    public Backend next(String engine, Backend current, RuntimeException failure) {
        for (int i = order.indexOf(current) + 1; i < order.size(); i++) {
            Backend candidate = order.get(i);
            if (candidate.availability().available()) {
                listener.fellBack(engine, current.name(), candidate.name(), String.valueOf(failure.getMessage()));
                return candidate;
            }
        }
        throw new IllegalStateException(engine + " engine: backend " + current.name() + " failed and no backend is left to fall back to",
                failure);
    }
}
