package cloud.dawg.service;

/**
 * A byte array per thread that grows to the largest size asked of it on that thread, once, so a
 * per-message buffer costs nothing per message. What is written there lives until the same
 * thread's next use of the same scratch; each use site keeps its own instance so that two of them
 * in one call chain (a frame being parsed, its request being serialised) never share an array.
 * The array never shrinks: its size is the largest message the thread handled.
 */
public final class ThreadScratch {
    private final ThreadLocal<byte[]> arrays;

    public ThreadScratch(int initialBytes) {
        if (initialBytes < 0) {
            throw new IllegalArgumentException("initial size " + initialBytes + " must not be negative");
        }
        arrays = ThreadLocal.withInitial(() -> new byte[initialBytes]);
    }

    /** This thread's array, at least {@code size} bytes long; its contents are what this thread left there. */
    public byte[] atLeast(int size) {
        byte[] array = arrays.get();
        if (array.length < size) {
            array = new byte[size];
            arrays.set(array);
        }
        return array;
    }
}
