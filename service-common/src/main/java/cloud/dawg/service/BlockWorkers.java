package cloud.dawg.service;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool that processes blocks: one thread per usable core (more threads than cores
 * would only queue DSP work inside the kernel's scheduler), a bounded queue of runnable
 * sessions, and high-priority daemon threads.
 */
public final class BlockWorkers {
    private BlockWorkers() {
    }

    public static ExecutorService create(String name, int threads, int queue) {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
            Thread t = new Thread(r, name + "-block-" + count.incrementAndGet());
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }
}
