package cloud.dawg.service;

import io.grpc.stub.ServerCallStreamObserver;

import java.util.function.Consumer;

/**
 * A reply stream without a transport: always ready, every reply handed to a consumer. For driving a
 * live session on the calling thread (the services' LiveMixTest and LiveInstrumentTest, and
 * LiveMixBlockBenchmark, through this module's test jar).
 */
public final class AlwaysReadyStream<T> extends ServerCallStreamObserver<T> {
    private final Consumer<T> replies;

    public AlwaysReadyStream(Consumer<T> replies) {
        this.replies = replies;
    }

    @Override public boolean isCancelled() { return false; }
    @Override public void setOnCancelHandler(Runnable r) { }
    @Override public void setCompression(String c) { }
    @Override public boolean isReady() { return true; }
    @Override public void setOnReadyHandler(Runnable r) { }
    @Override public void request(int n) { }
    @Override public void setMessageCompression(boolean e) { }
    @Override public void disableAutoInboundFlowControl() { }
    @Override public void onNext(T value) { replies.accept(value); }
    @Override public void onError(Throwable t) { }
    @Override public void onCompleted() { }
}
