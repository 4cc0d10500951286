package cloud.dawg.service;

import cloud.dawg.proto.v1.MixServiceGrpc;
import cloud.dawg.proto.v1.NodeInfo;
import cloud.dawg.proto.v1.NodeInfoRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceDefaultsTest {
    @Test
    void shouldRunServiceCallbacksOnTheTransportThreadInsteadOfGrpcsExecutor() throws Exception {
        assertEquals(Thread.currentThread().getName(), handlerThread(true),
                "in-process, the transport thread is the caller's: no hand-off to another thread");
    }

    @Test
    void shouldHandCallbacksToGrpcsExecutorWithoutTheDefaults() throws Exception {
        String thread = handlerThread(false);
        assertTrue(thread.startsWith("grpc-default-executor"), thread); // what the first test rules out
    }

    @Test
    void shouldCountEachMessageAndTimeEachCallInTheGrpcServerMetrics() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        String name = InProcessServerBuilder.generateName();
        Server server = InProcessServerBuilder.forName(name).addService(nodeInfoService(new AtomicReference<>()))
                .intercept(new ServiceDefaults().grpcServerMetrics(registry)).build().start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            for (int i = 0; i < 3; i++) {
                MixServiceGrpc.newBlockingStub(channel).getNodeInfo(NodeInfoRequest.getDefaultInstance());
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        String method = "GetNodeInfo";
        assertEquals(3, registry.get("grpc.server.requests.received").tag("method", method).counter().count());
        assertEquals(3, registry.get("grpc.server.responses.sent").tag("method", method).counter().count());
        assertEquals(3, registry.get("grpc.server.processing.duration").tag("method", method).tag("statusCode", "OK").timer().count());
    }

    private static MixServiceGrpc.MixServiceImplBase nodeInfoService(AtomicReference<String> thread) {
        return new MixServiceGrpc.MixServiceImplBase() {
            @Override
            public void getNodeInfo(NodeInfoRequest request, StreamObserver<NodeInfo> responses) {
                thread.set(Thread.currentThread().getName());
                responses.onNext(NodeInfo.getDefaultInstance());
                responses.onCompleted();
            }
        };
    }

    /** The thread a unary call's handler ran on, with or without {@link ServiceDefaults} applied to the server. */
    private static String handlerThread(boolean defaults) throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        String name = InProcessServerBuilder.generateName();
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name).addService(nodeInfoService(thread));
        if (defaults) {
            new ServiceDefaults().<InProcessServerBuilder>callbacksOnEventLoop().customize(builder);
        }
        Server server = builder.build().start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            MixServiceGrpc.newBlockingStub(channel).getNodeInfo(NodeInfoRequest.getDefaultInstance());
            return thread.get();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
