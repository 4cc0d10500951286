package cloud.dawg.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The per-block meters of one service (names and meaning in docs/metrics.md). Tags are the
 * service, backend and ISA only: never a session or track id, so the series count stays fixed.
 * Recording allocates nothing.
 */
public final class BlockMetrics {
    private final MeterRegistry registry;
    private final Tags tags;
    private final Timer processing;
    private final Timer cpu;
    private final Counter late;
    private final Counter droppedOutbound;
    private final Counter droppedStale;
    private final Counter droppedAhead;
    private final Counter sanitised;
    private final Counter blocks;
    private final RealtimeLoad load;

    /**
     * @param blockNanos the duration of one block of audio: the histograms' buckets bracket it
     */
    public BlockMetrics(MeterRegistry registry, String service, String backend, String isa, long blockNanos, RealtimeLoad load) {
        this.registry = registry;
        this.tags = Tags.of("service", service, "backend", backend, "isa", isa);
        this.load = load;
        Duration budget = Duration.ofNanos(blockNanos);
        Duration[] slos = {budget.dividedBy(8), budget.dividedBy(4), budget.dividedBy(2), budget, budget.multipliedBy(2)};
        processing = Timer.builder("dawg.block.processing")
                .description("Wall time to process one block (all tracks or voices and the bus), from the worker's start to the reply being queued")
                .tags(tags).publishPercentileHistogram().serviceLevelObjectives(slos)
                .minimumExpectedValue(Duration.ofNanos(blockNanos / 64)).maximumExpectedValue(budget.multipliedBy(8))
                .register(registry);
        cpu = Timer.builder("dawg.block.cpu")
                .description("Thread CPU time spent processing one block")
                .tags(tags).publishPercentileHistogram().serviceLevelObjectives(slos)
                .minimumExpectedValue(Duration.ofNanos(blockNanos / 64)).maximumExpectedValue(budget.multipliedBy(8))
                .register(registry);
        blocks = Counter.builder("dawg.blocks.processed").description("Blocks processed").tags(tags).register(registry);
        late = Counter.builder("dawg.blocks.late")
                .description("Blocks mixed at their deadline with some expected track missing (mixed as silence)")
                .tags(tags).register(registry);
        droppedOutbound = dropped("outbound-full", "a reply found the outbound stream over its threshold");
        droppedStale = dropped("stale", "audio arrived for a block already mixed");
        droppedAhead = dropped("too-far-ahead", "audio arrived for a block beyond the session's reorder window");
        sanitised = Counter.builder("dawg.samples.sanitised")
                .description("NaN or infinite input samples replaced by silence").tags(tags).register(registry);
        Gauge.builder("dawg.realtime.load", load, RealtimeLoad::load)
                .description("CPU time on blocks over the last 5 s / (5 s * usable cores): the autoscaling signal")
                .tags(tags).register(registry);
        Gauge.builder("dawg.usable.cores", load, RealtimeLoad::cores)
                .description("Cores this instance may use (cgroup quota aware)").tags(tags).register(registry);
        Gauge.builder("dawg.backend.info", () -> 1).description("Always 1; the tags say which backend and ISA run here")
                .tags(tags).register(registry);
    }

    private Counter dropped(String reason, String description) {
        return Counter.builder("dawg.blocks.dropped").description("Blocks dropped: " + description)
                .tags(tags.and("reason", reason)).register(registry);
    }

    /** Registers a gauge with this service's tags. */
    public <T> void gauge(String name, String description, T state, ToDoubleFunction<T> value) {
        Gauge.builder(name, state, value).description(description).tags(tags).register(registry);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tags(tags).register(registry);
    }

    public void recordBlock(long wallNanos, long cpuNanos) {
        processing.record(wallNanos, TimeUnit.NANOSECONDS);
        cpu.record(cpuNanos, TimeUnit.NANOSECONDS);
        blocks.increment();
        load.record(cpuNanos);
    }

    public void late() { late.increment(); }
    public void droppedOutbound() { droppedOutbound.increment(); }
    public void droppedStale() { droppedStale.increment(); }
    public void droppedAhead() { droppedAhead.increment(); }
    public void droppedAhead(long blocks) { droppedAhead.increment(blocks); }
    public void sanitised(long samples) { sanitised.increment(samples); }
    public RealtimeLoad load() { return load; }
}
