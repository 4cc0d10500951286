package cloud.dawg.service;

import io.grpc.ServerBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.ServerBuilderCustomizer;

/** How both DSP services configure their gRPC server; each service application imports it. */
@Configuration(proxyBeanMethods = false)
public class ServiceDefaults {
    /**
     * Stream callbacks run on the transport's event loop, not handed to gRPC's default executor:
     * they only decode into preallocated buffers under a short lock and hand blocks to the
     * workers, and the extra thread wake-up per message was the block round trip's largest hop.
     */
    @Bean
    <T extends ServerBuilder<T>> ServerBuilderCustomizer<T> callbacksOnEventLoop() {
        return ServerBuilder::directExecutor;
    }
}
