package cloud.dawg.service;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * The reply side of a stream, shared by the worker (blocks) and the gRPC thread (events and
 * errors). Blocks are dropped and counted when the transport already holds more than a small
 * on-ready threshold: a queue there would only add latency, and a late block is worth nothing
 * to a live listener.
 */
public final class Outbound<T> {
    /**
     * Bytes that may wait in the transport: four 128-frame stereo blocks with a monitor mix each.
     * gRPC's default of 32 KiB would hide about 85 ms of master-only blocks. gRPC fixes the
     * threshold when the call starts, before the block size is known; larger replies still go
     * out one at a time, and a reply is dropped only while the previous one is still unsent.
     */
    public static final int DEFAULT_THRESHOLD_BYTES = 4 * 2 * (8 * 128 + 64);

    private final ServerCallStreamObserver<T> out;
    private final BlockMetrics metrics;
    private boolean done;

    public Outbound(ServerCallStreamObserver<T> out, BlockMetrics metrics, int thresholdBytes) {
        this.out = out;
        this.metrics = metrics;
        out.setOnReadyThreshold(thresholdBytes);
    }

    /** Sends a block, or drops (and counts) it when the stream is over its threshold. */
    public synchronized void sendDroppable(T response) {
        if (done || out.isCancelled()) {
            return;
        }
        if (!out.isReady()) {
            metrics.droppedOutbound();
            return;
        }
        out.onNext(response);
    }

    /** Sends what must not be dropped (handshakes, events); these are rare and small. */
    public synchronized void send(T response) {
        if (!done && !out.isCancelled()) {
            out.onNext(response);
        }
    }

    public synchronized void complete() {
        if (!done) {
            done = true;
            if (!out.isCancelled()) {
                out.onCompleted();
            }
        }
    }

    public synchronized void fail(Throwable status) {
        if (!done) {
            done = true;
            if (!out.isCancelled()) {
                out.onError(status);
            }
        }
    }
}
