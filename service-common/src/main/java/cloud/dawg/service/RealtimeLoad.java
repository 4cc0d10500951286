package cloud.dawg.service;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The autoscaling signal: CPU time spent on audio blocks over a sliding window, divided by the
 * CPU time the instance's usable cores offer in that window. 0.7 means the DSP keeps 70 % of the
 * instance busy. Counted in buckets, so recording is two atomic operations and allocates nothing.
 */
public final class RealtimeLoad {
    public static final long DEFAULT_WINDOW_NANOS = 5_000_000_000L;
    private static final int BUCKETS = 10;

    private final long bucketNanos;
    private final double cores;
    private final LongSupplier clock;
    private final AtomicLongArray busy = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray bucketOf = new AtomicLongArray(BUCKETS);
    private final long started;

    public RealtimeLoad(double usableCores) {
        this(usableCores, DEFAULT_WINDOW_NANOS, System::nanoTime);
    }

    public RealtimeLoad(double usableCores, long windowNanos, LongSupplier clock) {
        if (!(usableCores > 0)) {
            throw new IllegalArgumentException("usableCores " + usableCores + " must be positive");
        }
        this.cores = usableCores;
        this.bucketNanos = windowNanos / BUCKETS;
        this.clock = clock;
        this.started = clock.getAsLong();
        for (int i = 0; i < BUCKETS; i++) {
            bucketOf.set(i, -1);
        }
    }

    /** Adds CPU time spent on a block now. */
    public void record(long cpuNanos) {
        long bucket = (clock.getAsLong() - started) / bucketNanos;
        int i = (int) (bucket % BUCKETS);
        long had = bucketOf.get(i);
        if (had != bucket && bucketOf.compareAndSet(i, had, bucket)) {
            busy.set(i, 0);
        }
        busy.addAndGet(i, cpuNanos);
    }

    /** Busy CPU time over the window / (window time * usable cores). */
    public double load() {
        long elapsed = clock.getAsLong() - started;
        long current = elapsed / bucketNanos;
        long sum = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long bucket = bucketOf.get(i);
            if (bucket >= 0 && bucket > current - BUCKETS) {
                sum += busy.get(i);
            }
        }
        long window = Math.min(elapsed, (BUCKETS - 1) * bucketNanos + elapsed % bucketNanos);
        return window <= 0 ? 0 : (double) sum / (window * cores);
    }

    public double cores() {
        return cores;
    }
}
