package cloud.dawg.service;

import java.util.function.LongSupplier;

/**
 * Decides whether a session's block runs on the thread its audio arrived on (the transport's
 * event loop) or on the worker pool. Running it there saves two thread hand-offs per block (the
 * wake-up of a worker, and the worker waking the event loop to write the reply), which on a
 * small VM cost more than mixing an 8-track block. It is allowed while the thread has spent
 * less than a share of its recent time on such blocks, and only for sessions whose blocks are
 * short: one connection carries many sessions on one event loop, and a loop busy mixing would
 * delay every other session's audio behind it, where the pool spreads them over the cores.
 * Nothing is allocated per block (one small array per thread, once). The services leave it off
 * by default: measured on 2 cores it saved CPU but raised late blocks at 16 sessions
 * (docs/BENCHMARKS.md, live blocks on the gRPC thread).
 */
public final class InlineBlocks {
    /** The span over which a thread's share of inline work is measured. */
    static final long WINDOW_NANOS = 10_000_000L;

    private final long budgetNanos;
    private final long longestBlockNanos;
    private final LongSupplier clock;
    /** Per thread: when its current window began, and the nanoseconds of inline work in it. */
    private final ThreadLocal<long[]> windows = ThreadLocal.withInitial(() -> new long[2]);

    /**
     * @param share             of each thread's time that may go to inline blocks, 0..1 (0: never inline)
     * @param longestBlockNanos sessions whose last block took longer go to the pool
     */
    public InlineBlocks(double share, long longestBlockNanos) {
        this(share, longestBlockNanos, System::nanoTime);
    }

    /** As above, with the clock that times the inline work (tests give one that the work itself advances). */
    InlineBlocks(double share, long longestBlockNanos, LongSupplier clock) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("inline share " + share + " must be within 0..1");
        }
        if (longestBlockNanos < 0) {
            throw new IllegalArgumentException("longest inline block " + longestBlockNanos + " ns must not be negative");
        }
        this.budgetNanos = (long) (share * WINDOW_NANOS);
        this.longestBlockNanos = longestBlockNanos;
        this.clock = clock;
    }

    /** Every block on the pool. */
    public static InlineBlocks never() {
        return new InlineBlocks(0, 0);
    }

    /**
     * Runs the runner's work on this thread when allowed (or has the thread already running it run
     * it once more), otherwise signals it to its pool.
     *
     * @param lastBlockNanos how long the session's previous block took (0 before its first)
     */
    public void run(SerialRunner runner, long lastBlockNanos) {
        if (budgetNanos == 0 || lastBlockNanos > longestBlockNanos) {
            runner.signal();
            return;
        }
        long[] window = windows.get();
        long now = clock.getAsLong();
        if (now - window[0] >= WINDOW_NANOS) {
            window[0] = now;
            window[1] = 0;
        }
        if (window[1] >= budgetNanos) {
            runner.signal();
            return;
        }
        runner.runHere();
        window[1] += clock.getAsLong() - now;
    }
}
