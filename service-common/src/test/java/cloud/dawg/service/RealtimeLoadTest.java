package cloud.dawg.service;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RealtimeLoadTest {
    private final AtomicLong now = new AtomicLong();
    private final RealtimeLoad load = new RealtimeLoad(2, 5_000_000_000L, now::get);

    @Test
    void shouldBeTheBusyShareOfTheCoresOverTheWindow() {
        for (int ms = 0; ms < 5000; ms++) { // one core's half busy for 5 s
            now.set(ms * 1_000_000L);
            load.record(500_000);
        }
        now.set(5_000_000_000L - 1);
        assertEquals(0.25, load.load(), 0.01);
    }

    @Test
    void shouldForgetWorkOlderThanTheWindow() {
        now.set(0);
        load.record(4_000_000_000L);
        now.set(20_000_000_000L);
        load.record(0);
        assertEquals(0.0, load.load(), 1e-9);
    }
}
