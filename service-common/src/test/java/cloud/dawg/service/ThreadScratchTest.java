package cloud.dawg.service;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ThreadScratchTest {
    @Test
    void shouldHandOutTheSameArrayUntilALargerOneIsAskedFor() {
        ThreadScratch scratch = new ThreadScratch(64);
        byte[] first = scratch.atLeast(10);
        assertEquals(64, first.length);
        assertSame(first, scratch.atLeast(64));

        byte[] grown = scratch.atLeast(65);
        assertEquals(65, grown.length);
        assertSame(grown, scratch.atLeast(20), "it never shrinks back");
    }

    @Test
    void shouldGiveEachThreadAndEachScratchItsOwnArray() throws Exception {
        ThreadScratch scratch = new ThreadScratch(8), other = new ThreadScratch(8);
        byte[] here = scratch.atLeast(8);
        byte[] there = CompletableFuture.supplyAsync(() -> scratch.atLeast(8)).get();
        assertNotSame(here, there);
        assertNotSame(here, other.atLeast(8));
    }

    @Test
    void shouldRejectANegativeInitialSize() {
        assertThrows(IllegalArgumentException.class, () -> new ThreadScratch(-1));
    }
}
