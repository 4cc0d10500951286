package cloud.dawg.service;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one session's work on a shared pool, never on two threads at once. A {@link #signal}
 * never runs it on the signalling thread (a gRPC or event-loop thread); {@link #runHere} does,
 * when no other thread is running it (see {@link InlineBlocks} for when that is worth it).
 * Signals that arrive while the work runs make it run once more; nothing is allocated per signal.
 */
public final class SerialRunner implements Runnable {
    private final AtomicInteger signals = new AtomicInteger();
    private final Executor pool;
    private final Runnable work;

    public SerialRunner(Executor pool, Runnable work) {
        this.pool = pool;
        this.work = work;
    }

    /** Asks for the work to run (soon, on the pool). */
    public void signal() {
        if (signals.getAndIncrement() == 0) {
            pool.execute(this);
        }
    }

    /**
     * Runs the work now on the calling thread unless another thread is running it, in which case
     * that thread runs it once more.
     */
    public void runHere() {
        if (signals.getAndIncrement() == 0) {
            run();
        }
    }

    @Override
    public void run() {
        int seen = signals.get();
        while (true) {
            try {
                work.run();
            } finally {
                seen = signals.addAndGet(-seen);
            }
            if (seen == 0) {
                return;
            }
        }
    }
}
