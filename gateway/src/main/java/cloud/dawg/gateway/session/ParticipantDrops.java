package cloud.dawg.gateway.session;

import java.util.concurrent.atomic.AtomicLong;

/** Mix frames dropped across every participant (of any transport) that did not keep up. */
public final class ParticipantDrops {
    private final AtomicLong dropped = new AtomicLong();

    public void add() {
        dropped.incrementAndGet();
    }

    public long count() {
        return dropped.get();
    }
}
