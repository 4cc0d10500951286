package cloud.dawg.service;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one session's work on a shared pool, never on two threads at once and never on the
 * thread that signals (a gRPC or event-loop thread). Signals that arrive while the work runs
 * make it run once more; nothing is allocated per signal.
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
