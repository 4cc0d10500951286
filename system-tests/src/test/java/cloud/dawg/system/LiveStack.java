package cloud.dawg.system;

import cloud.dawg.client.GatewayClient;
import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.gateway.GatewayApplication;
import cloud.dawg.mixservice.MixServiceApplication;
import cloud.dawg.synthservice.SynthServiceApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * mix-service, synth-service and the gateway started in this JVM, each on its own real ports,
 * talking gRPC and HTTP over sockets exactly as separate processes do. All three run on one
 * backend (the fastest available here), so live output can be compared with an offline render
 * on the same backend.
 */
final class LiveStack implements AutoCloseable {
    static final int MIX_CAPACITY = 64;
    /** Small enough that an oversize test frame is written whole before the gateway answers it. */
    static final int MAX_FRAME_BYTES = 256 * 1024;

    final String backend;
    final EmbeddedKafkaKraftBroker kafka;
    final Path store;
    final int mixHttp, synthHttp, gatewayHttp, gatewayGrpc, mixGrpc, synthGrpc;
    private final ConfigurableApplicationContext mix, synth, gateway;

    private LiveStack() throws IOException {
        backend = Backends.all().stream().filter(b -> b.availability().available()).map(Backend::name)
                .sorted((a, b) -> Integer.compare(rank(a), rank(b))).findFirst().orElseThrow();
        System.setProperty("dawg.backend", backend);
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
        store = Files.createTempDirectory("dawg-store-");
        String render = "--dawg.render.bootstrap-servers=" + kafka.getBrokersAsString();
        String storeArg = "--dawg.render.store=" + store;
        mixGrpc = freePort();
        synthGrpc = freePort();
        mixHttp = freePort();
        synthHttp = freePort();
        gatewayHttp = freePort();
        gatewayGrpc = freePort();
        // mix-service mixes complete blocks on its event loop (InlineBlocks, off by default) and
        // synth-service keeps the default, so the suite drives both ways through real sockets
        mix = MixServiceApplication.start("--server.port=" + mixHttp, "--spring.grpc.server.port=" + mixGrpc,
                "--dawg.mix.capacity=" + MIX_CAPACITY, "--dawg.live.inline-share=0.5", render, storeArg);
        synth = SynthServiceApplication.start("--server.port=" + synthHttp, "--spring.grpc.server.port=" + synthGrpc, render, storeArg);
        gateway = GatewayApplication.start("--server.port=" + gatewayHttp, "--spring.grpc.server.port=" + gatewayGrpc, "--dawg.gateway.max-frame-bytes=" + MAX_FRAME_BYTES, "--dawg.gateway.mix-targets=localhost:" + mixGrpc,
                "--dawg.gateway.synth-targets=localhost:" + synthGrpc, render, storeArg, "--dawg.render.backend=" + backend);
    }

    private static int rank(String backend) {
        return switch (backend) {
            case "native" -> 0;
            case "simd" -> 1;
            default -> 2;
        };
    }

    private static LiveStack shared;

    /** One stack for all system tests (starting one takes a few seconds). */
    static synchronized LiveStack shared() throws IOException {
        if (shared == null) {
            shared = new LiveStack();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    GatewayClient gateway() {
        return new GatewayClient(URI.create("http://localhost:" + gatewayHttp));
    }

    /** A native client's connection to the gateway's gRPC front door. */
    NativeClient nativeClient() {
        return new NativeClient("localhost:" + gatewayGrpc);
    }

    GatewayClient mixHttp() {
        return new GatewayClient(URI.create("http://localhost:" + mixHttp));
    }

    GatewayClient synthHttp() {
        return new GatewayClient(URI.create("http://localhost:" + synthHttp));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        gateway.close();
        synth.close();
        mix.close();
        kafka.destroy();
    }

}
