package cloud.dawg.service;

import io.grpc.ServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.ServerBuilderCustomizer;

/**
 * How every DAWG gRPC server is configured (mix-service, synth-service, the gateway's front door);
 * their applications import it. Its property defaults ({@code dawg-grpc-server.properties}) turn
 * Spring gRPC's observation off, which {@link #grpcServerMetrics} replaces.
 */
@Configuration(proxyBeanMethods = false)
@PropertySource("classpath:dawg-grpc-server.properties")
public class ServiceDefaults {
    /**
     * Stream callbacks run on the transport's event loop, not handed to gRPC's default executor:
     * they only decode under a short lock and queue work (the services' block workers, the
     * gateway's bounded participant queues), never block, and the extra thread wake-up per message
     * was the block round trip's largest hop.
     */
    @Bean
    <T extends ServerBuilder<T>> ServerBuilderCustomizer<T> callbacksOnEventLoop() {
        return ServerBuilder::directExecutor;
    }

    /**
     * gRPC's server metrics ({@code grpc_server_requests_received_messages_total},
     * {@code grpc_server_responses_sent_messages_total}, {@code grpc_server_processing_duration_seconds})
     * from meters each method registers once. Spring gRPC's observation, which this replaces,
     * records an event per message of a stream: a meter looked up by sorted tags and ~1.2 KB
     * allocated for every block a session streams, for a stream whose duration says nothing.
     */
    @Bean
    @GlobalServerInterceptor
    MetricCollectingServerInterceptor grpcServerMetrics(MeterRegistry registry) {
        return new MetricCollectingServerInterceptor(registry);
    }
}
