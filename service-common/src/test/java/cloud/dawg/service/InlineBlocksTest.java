package cloud.dawg.service;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InlineBlocksTest {
    private final List<Runnable> pooled = new ArrayList<>();
    private final List<Thread> ranOn = new ArrayList<>();

    /** The time the inline work is measured by: each block advances it by exactly its work, whatever the machine does meanwhile. */
    private long now = 1_000_000_000L;

    private SerialRunner runner(long workNanos) {
        return new SerialRunner(pooled::add, () -> {
            ranOn.add(Thread.currentThread());
            now += workNanos;
        });
    }

    @Test
    void shouldRunAShortBlockOnTheCallingThread() {
        new InlineBlocks(0.5, 200_000).run(runner(0), 10_000);
        assertEquals(List.of(Thread.currentThread()), ranOn);
        assertTrue(pooled.isEmpty(), "nothing was handed to the pool");
    }

    @Test
    void shouldHandASessionWithLongBlocksToThePool() {
        new InlineBlocks(0.5, 200_000).run(runner(0), 200_001);
        assertTrue(ranOn.isEmpty(), "not run on the calling thread");
        assertEquals(1, pooled.size());
    }

    @Test
    void shouldHandBlocksToThePoolOnceTheThreadSpentItsShareOfTheWindow() {
        // a share of 0.1 is 1 ms of each 10 ms window; blocks of 0.4 ms: three fit (the third starts under budget)
        InlineBlocks inline = new InlineBlocks(0.1, 1_000_000, () -> now);
        SerialRunner work = runner(400_000);
        for (int i = 0; i < 5; i++) {
            inline.run(work, 0);
        }
        assertEquals(3, ranOn.size(), "blocks run here until the thread's share is spent");
        assertEquals(1, pooled.size(), "then the session is signalled to the pool (once: it is pending there)");
    }

    @Test
    void shouldNeverRunOnTheCallingThreadWhenTheShareIsZero() {
        InlineBlocks.never().run(runner(0), 0);
        new InlineBlocks(0, 1_000_000).run(runner(0), 0);
        assertTrue(ranOn.isEmpty());
        assertEquals(2, pooled.size());
    }

    @Test
    void shouldLeaveTheWorkToTheThreadAlreadyRunningIt() throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1), release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        SerialRunner work = new SerialRunner(Runnable::run, () -> {
            synchronized (threads) {
                threads.add(Thread.currentThread());
            }
            if (runs.incrementAndGet() == 1) {
                inside.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Thread worker = new Thread(work::signal, "worker");
        worker.start();
        assertTrue(inside.await(5, TimeUnit.SECONDS));
        new InlineBlocks(1, 1_000_000).run(work, 0); // returns at once: the worker runs it once more
        assertEquals(1, runs.get(), "not run on this thread while the worker runs it");
        release.countDown();
        worker.join(5000);
        assertEquals(2, runs.get(), "the worker ran it again for the signal it saw");
        assertEquals(List.of(worker, worker), threads);
    }

    @Test
    void shouldRejectAShareOutsideZeroToOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new InlineBlocks(1.5, 0));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new InlineBlocks(Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new InlineBlocks(0.5, -1));
    }
}
