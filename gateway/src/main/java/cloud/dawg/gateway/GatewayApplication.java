package cloud.dawg.gateway;

import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.gateway.grpc.SessionGrpcService;
import cloud.dawg.gateway.jobs.RenderJobs;
import cloud.dawg.gateway.routing.InstanceRouter;
import cloud.dawg.gateway.routing.ServiceChannels;
import cloud.dawg.gateway.session.ParticipantDrops;
import cloud.dawg.gateway.session.ParticipantJoin;
import cloud.dawg.gateway.session.SessionRegistry;
import cloud.dawg.gateway.session.Tokens;
import cloud.dawg.gateway.socket.SessionSocketHandler;
import cloud.dawg.jobs.FileStemStore;
import cloud.dawg.service.ServiceDefaults;
import io.grpc.ServerBuilder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.grpc.server.ServerBuilderCustomizer;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.WebsocketServerSpec;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The gateway: REST and WebSocket on {@code server.port} (8080 by default), the gRPC front door
 * for native clients on {@code spring.grpc.server.port} (9090); sessions go to the
 * mix-service and synth-service instances listed in {@code dawg.gateway.mix-targets} and
 * {@code dawg.gateway.synth-targets}.
 */
@SpringBootApplication
@Import(ServiceDefaults.class)
public class GatewayApplication implements WebFluxConfigurer {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayApplication.class);

    @Value("${dawg.gateway.max-frame-bytes:1048576}")
    private int maxFrameBytes;

    public static void main(String[] args) {
        start(args);
    }

    /** Starts the gateway; its settings come from {@code gateway.properties}. */
    public static ConfigurableApplicationContext start(String... args) {
        SpringApplication app = new SpringApplication(GatewayApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", "gateway"));
        return app.run(args);
    }

    @Bean
    Tokens tokens(@Value("${dawg.gateway.token-secret:}") String secret) {
        if (secret.isBlank()) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            LOG.warn("dawg.gateway.token-secret is not set: tokens are signed with a random key and stop working when this "
                    + "gateway restarts; other replicas will not accept them");
            return new Tokens(random);
        }
        return new Tokens(Base64.getDecoder().decode(secret.trim()));
    }

    @Bean(destroyMethod = "close")
    ServiceChannels serviceChannels() {
        return new ServiceChannels();
    }

    @Bean(destroyMethod = "close")
    SessionRegistry sessionRegistry(@Value("${dawg.gateway.mix-targets}") String mixTargets,
                                    @Value("${dawg.gateway.synth-targets}") String synthTargets, ServiceChannels channels) {
        return new SessionRegistry(new InstanceRouter(list(mixTargets)), new InstanceRouter(list(synthTargets)), channels);
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    @Bean
    ParticipantJoin participantJoin(SessionRegistry registry, Tokens tokens) {
        return new ParticipantJoin(registry, tokens);
    }

    @Bean
    ParticipantDrops participantDrops() {
        return new ParticipantDrops();
    }

    /** The gateway's own meters (docs/metrics.md): live sessions and the blocks it dropped, by reason. */
    @Bean
    MeterBinder gatewayMeters(SessionRegistry registry, ParticipantDrops drops) {
        return meters -> {
            Gauge.builder("dawg.gateway.sessions.active", registry, SessionRegistry::size)
                    .description("Live sessions on this gateway").tag("service", "gateway").register(meters);
            FunctionCounter.builder("dawg.gateway.blocks.dropped", drops, ParticipantDrops::count)
                    .description("Mix frames dropped because a participant did not keep up (only that participant loses them)")
                    .tags("service", "gateway", "reason", "participant-slow").register(meters);
            FunctionCounter.builder("dawg.gateway.blocks.dropped", registry, SessionRegistry::audioDroppedForMix)
                    .description("Audio blocks not sent to the mix-service because its stream was still full (the mix counts them late)")
                    .tags("service", "gateway", "reason", "mix-service-slow").register(meters);
        };
    }

    @Bean
    SessionSocketHandler sessionSocketHandler(SessionRegistry registry, ParticipantJoin joiner, ParticipantDrops drops,
                                              @Value("${dawg.gateway.participant-queue-blocks:32}") int queue) {
        return new SessionSocketHandler(registry, joiner, queue, maxFrameBytes, drops);
    }

    /** Render jobs, when a Kafka bootstrap server is configured (./dawg up starts an embedded one). */
    @Bean(destroyMethod = "close")
    @ConditionalOnExpression("!'${dawg.render.bootstrap-servers:}'.isBlank()")
    RenderJobs renderJobs(@Value("${dawg.render.bootstrap-servers}") String bootstrap, @Value("${dawg.render.store}") String store,
                          @Value("${dawg.render.backend:}") String backend, @Value("${dawg.render.retention:7d}") Duration retention)
            throws java.io.IOException {
        return new RenderJobs(bootstrap, new FileStemStore(Path.of(store)),
                backend.isBlank() ? Backends.preferred() : Backends.byName(backend), retention);
    }

    @Bean(destroyMethod = "close")
    SessionGrpcService sessionGrpcService(ParticipantJoin joiner, ParticipantDrops drops,
                                          @Value("${dawg.gateway.participant-queue-blocks:32}") int queue) {
        return new SessionGrpcService(joiner, queue, drops, maxFrameBytes);
    }

    /**
     * As for the WebSocket, the transport accepts up to 4x the limit so that the service itself
     * refuses an oversize request with RESOURCE_EXHAUSTED and a reason: grpc-java resets a
     * bidirectional stream whose later message breaks the transport's own limit, and the client
     * then sees a bare CANCELLED (grpc/grpc-java#11245).
     */
    @Bean
    <T extends ServerBuilder<T>> ServerBuilderCustomizer<T> inboundMessageLimit() {
        return builder -> builder.maxInboundMessageSize(4 * maxFrameBytes);
    }

    @Bean
    HandlerMapping webSocketMapping(SessionSocketHandler handler) {
        return new SimpleUrlHandlerMapping(Map.of(SessionSocketHandler.PATH + "*", handler), -1);
    }

    @Override
    public WebSocketService getWebSocketService() {
        return new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy(
                // the transport reads up to 4x the limit, so the handler can answer an oversize message with a
                // clean 1009 close frame instead of a connection reset with unread data
                () -> WebsocketServerSpec.builder().maxFramePayloadLength(4 * maxFrameBytes)));
    }
}
