package cloud.dawg.gateway.routing;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One gRPC channel per service instance, shared by all sessions routed there. */
public final class ServiceChannels implements AutoCloseable {
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    public ManagedChannel to(String target) {
        return channels.computeIfAbsent(target, t -> Grpc.newChannelBuilder(t, InsecureChannelCredentials.create())
                .maxInboundMessageSize(8 << 20)
                // responses go from the event loop straight to the session's fan-out (bounded,
                // non-blocking queues): no wake-up of a gRPC executor thread per mixed block
                .directExecutor()
                // a sent block is serialised inside onNext and then gone: no retry buffer keeps it
                // (the audio it carries is a view of the participant's WebSocket frame)
                .disableRetry()
                .build());
    }

    @Override
    public void close() {
        for (ManagedChannel c : channels.values()) {
            c.shutdownNow();
        }
        for (ManagedChannel c : channels.values()) {
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
