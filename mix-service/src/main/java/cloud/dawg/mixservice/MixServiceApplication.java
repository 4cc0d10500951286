package cloud.dawg.mixservice;

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
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * mix-service: live mixing over gRPC (port {@code spring.grpc.server.port}, 9091 by default),
 * metrics at {@code /actuator/prometheus} (HTTP port {@code server.port}, 8081).
 */
@SpringBootApplication
@Import(ServiceDefaults.class)
public class MixServiceApplication {
    private static final Logger LOG = LoggerFactory.getLogger(MixServiceApplication.class);

    public static void main(String[] args) {
        start(args);
    }

    /** Starts the service; its settings come from {@code mix-service.properties} (so it can share a JVM with the others in tests). */
    public static ConfigurableApplicationContext start(String... args) {
        SpringApplication app = new SpringApplication(MixServiceApplication.class);
        app.setDefaultProperties(java.util.Map.of("spring.config.name", "mix-service"));
        return app.run(args);
    }

    @Bean
    SelectedBackend selectedBackend(@Value("${dawg.mix.capacity:0}") long capacityOverride) {
        return SelectedBackend.select(Engine.MIX, capacityOverride);
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService mixWorkers(SelectedBackend backend) {
        return BlockWorkers.create("mix", backend.workerThreads(), 4096);
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledThreadPoolExecutor mixDeadlines() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mix-deadlines");
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    @Bean
    MixServiceContext mixServiceContext(SelectedBackend backend, MeterRegistry registry, @Qualifier("mixWorkers") ExecutorService mixWorkers,
                                        ScheduledThreadPoolExecutor mixDeadlines,
                                        @Value("${dawg.mix.session-capacity:64}") int sessionCapacity,
                                        @Value("${dawg.mix.reference-block-nanos:2666667}") long blockNanos,
                                        @Value("${dawg.live.inline-share:0}") double inlineShare,
                                        @Value("${dawg.live.inline-longest-block-micros:200}") long inlineLongestMicros) {
        Admission admission = new Admission(backend.capacity());
        BlockMetrics metrics = new BlockMetrics(registry, "mix-service", backend.backend(), backend.isa(), blockNanos,
                new RealtimeLoad(backend.usableCores()));
        metrics.gauge("dawg.sessions.active", "Sessions open on this instance", admission, Admission::sessions);
        metrics.gauge("dawg.tracks.active", "Tracks of the open sessions", admission, Admission::inUse);
        metrics.gauge("dawg.capacity", "Tracks this instance admits (backend-selector capacity at its target load)", admission, Admission::capacity);
        BackendChain chain = backend.chain((engine, from, to, cause) ->
                LOG.warn("{} engine fell back from {} to {}: {}", engine, from, to, cause));
        return new MixServiceContext(backend, chain, admission, metrics, mixWorkers,
                new InlineBlocks(inlineShare, inlineLongestMicros * 1000), mixDeadlines, sessionCapacity);
    }

    /** This instance's render worker, when a Kafka bootstrap server is configured (docs/render-jobs.md). */
    @Bean(destroyMethod = "close")
    @org.springframework.boot.autoconfigure.condition.ConditionalOnExpression("!'${dawg.render.bootstrap-servers:}'.isBlank()")
    cloud.dawg.jobs.TaskWorker renderWorker(@Value("${dawg.render.bootstrap-servers}") String bootstrap,
                                            @Value("${dawg.render.store}") String store, MeterRegistry meters) throws java.io.IOException {
        return cloud.dawg.service.RenderWorkers.start("mix-service", bootstrap, store, meters);
    }
}
