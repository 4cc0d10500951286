package cloud.dawg.gateway;

import cloud.dawg.gateway.routing.InstanceRouter;
import cloud.dawg.gateway.routing.ServiceChannels;
import cloud.dawg.gateway.session.SessionRegistry;
import cloud.dawg.gateway.session.Tokens;
import cloud.dawg.gateway.socket.SessionSocketHandler;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.WebsocketServerSpec;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The gateway: REST and WebSocket on {@code server.port} (8080 by default); sessions go to the
 * mix-service and synth-service instances listed in {@code dawg.gateway.mix-targets} and
 * {@code dawg.gateway.synth-targets}.
 */
@SpringBootApplication
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
    SessionSocketHandler sessionSocketHandler(SessionRegistry registry, Tokens tokens, MeterRegistry meters,
                                              @Value("${dawg.gateway.participant-queue-blocks:32}") int queue) {
        SessionSocketHandler handler = new SessionSocketHandler(registry, tokens, queue, maxFrameBytes);
        Gauge.builder("dawg.gateway.sessions.active", registry, SessionRegistry::size)
                .description("Live sessions on this gateway").tag("service", "gateway").register(meters);
        FunctionCounter.builder("dawg.gateway.blocks.dropped", handler, SessionSocketHandler::droppedForSlowParticipants)
                .description("Mix frames dropped because a participant did not keep up (only that participant loses them)")
                .tags("service", "gateway", "reason", "participant-slow").register(meters);
        return handler;
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
