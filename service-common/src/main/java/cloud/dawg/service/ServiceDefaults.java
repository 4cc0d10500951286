package cloud.dawg.service;

import io.grpc.ServerBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.ServerBuilderCustomizer;

/** How every DAWG gRPC server is configured (mix-service, synth-service, the gateway's front door); their applications import it. */
@Configuration(proxyBeanMethods = false)
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
}
