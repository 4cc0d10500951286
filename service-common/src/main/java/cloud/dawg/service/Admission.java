package cloud.dawg.service;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission control: the units (tracks, voices) of all open sessions stay within the capacity
 * the backend-selector measured (at its target load), so admitted sessions keep real time and the
 * gateway takes a refused session to another instance.
 */
public final class Admission {
    private final long capacity;
    private final AtomicLong inUse = new AtomicLong();
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();

    public Admission(long capacity) {
        this.capacity = capacity;
    }

    /** Takes {@code units} if they fit; false otherwise. */
    public boolean tryAcquire(long units) {
        while (true) {
            long now = inUse.get();
            if (now + units > capacity) {
                return false;
            }
            if (inUse.compareAndSet(now, now + units)) {
                return true;
            }
        }
    }

    public void release(long units) {
        inUse.addAndGet(-units);
    }

    /** Registers a session id; false when one with this id is already open here. */
    public boolean open(String sessionId) {
        return sessions.add(sessionId);
    }

    public void close(String sessionId) {
        sessions.remove(sessionId);
    }

    public long capacity() { return capacity; }
    public long inUse() { return inUse.get(); }
    public int sessions() { return sessions.size(); }
}
