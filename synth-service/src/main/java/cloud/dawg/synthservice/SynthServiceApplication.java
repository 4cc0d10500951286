package cloud.dawg.synthservice;

import cloud.dawg.dsp.backend.BackendChain;
import cloud.dawg.selector.Engine;
import cloud.dawg.service.Admission;
import cloud.dawg.service.BlockMetrics;
import cloud.dawg.service.BlockWorkers;
import cloud.dawg.service.InlineBlocks;
import cloud.dawg.service.RealtimeLoad;
import cloud.dawg.service.SelectedBackend;
import cloud.dawg.service.ServiceDefaults;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * synth-service: live instruments over gRPC (port {@code spring.grpc.server.port}, 9092 by
 * default), metrics at {@code /actuator/prometheus} (HTTP port {@code server.port}, 8082).
 */
@SpringBootApplication
@Import(ServiceDefaults.class)
public class SynthServiceApplication {
    private static final Logger LOG = LoggerFactory.getLogger(SynthServiceApplication.class);

    public static void main(String[] args) {
        start(args);
    }

    /** Starts the service; its settings come from {@code synth-service.properties}. */
    public static ConfigurableApplicationContext start(String... args) {
        SpringApplication app = new SpringApplication(SynthServiceApplication.class);
        app.setDefaultProperties(Map.of("spring.config.name", "synth-service"));
        return app.run(args);
    }

    @Bean
    SelectedBackend selectedBackend(@Value("${dawg.synth.capacity:0}") long capacityOverride) {
        return SelectedBackend.select(Engine.SYNTH, capacityOverride);
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService synthWorkers(SelectedBackend backend) {
        return BlockWorkers.create("synth", backend.workerThreads(), 4096);
    }

    @Bean
    SynthServiceContext synthServiceContext(SelectedBackend backend, MeterRegistry registry, ExecutorService synthWorkers,
                                            @Value("${dawg.synth.reference-block-nanos:2666667}") long blockNanos,
                                            @Value("${dawg.live.inline-share:0}") double inlineShare,
                                            @Value("${dawg.live.inline-longest-block-micros:200}") long inlineLongestMicros) {
        Admission admission = new Admission(backend.capacity());
        BlockMetrics metrics = new BlockMetrics(registry, "synth-service", backend.backend(), backend.isa(), blockNanos,
                new RealtimeLoad(backend.usableCores()));
        BackendChain chain = backend.chain((engine, from, to, cause) ->
                LOG.warn("{} engine fell back from {} to {}: {}", engine, from, to, cause));
        SynthServiceContext context = new SynthServiceContext(backend, chain, admission, metrics, synthWorkers,
                new InlineBlocks(inlineShare, inlineLongestMicros * 1000));
        metrics.gauge("dawg.sessions.active", "Instruments open on this instance", admission, Admission::sessions);
        metrics.gauge("dawg.voices.pooled", "Voices preallocated by the open instruments (what admission counts)", admission, Admission::inUse);
        metrics.gauge("dawg.voices.active", "Voices sounding now", context, SynthServiceContext::activeVoices);
        metrics.gauge("dawg.capacity", "Voices this instance admits (backend-selector capacity at its target load)", admission, Admission::capacity);
        return context;
    }

    /** This instance's render worker, when a Kafka bootstrap server is configured (docs/render-jobs.md). */
    @Bean(destroyMethod = "close")
    @org.springframework.boot.autoconfigure.condition.ConditionalOnExpression("!'${dawg.render.bootstrap-servers:}'.isBlank()")
    cloud.dawg.jobs.TaskWorker renderWorker(@Value("${dawg.render.bootstrap-servers}") String bootstrap,
                                            @Value("${dawg.render.store}") String store, MeterRegistry meters) throws java.io.IOException {
        return cloud.dawg.service.RenderWorkers.start("synth-service", bootstrap, store, meters);
    }
}
