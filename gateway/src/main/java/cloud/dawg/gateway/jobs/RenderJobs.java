package cloud.dawg.gateway.jobs;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.jobs.FileStemStore;
import cloud.dawg.jobs.JobEvent;
import cloud.dawg.jobs.JobPlan;
import cloud.dawg.jobs.JobPlanner;
import cloud.dawg.jobs.JobPublisher;
import cloud.dawg.jobs.JobState;
import cloud.dawg.jobs.JobStates;
import cloud.dawg.jobs.JobTopics;
import cloud.dawg.jobs.StemStore;
import cloud.dawg.render.ProjectException;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's side of render jobs: validating and planning a submitted project, publishing it,
 * and serving job state folded from the event topic (so a restarted gateway serves the same
 * state). Present only when a Kafka bootstrap server is configured.
 */
public final class RenderJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RenderJobs.class);

    private final FileStemStore store;
    private final JobPlanner planner;
    private final JobPublisher publisher;
    private final JobStates states;
    private final Backend backend;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService retention = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("stem-store-retention").factory());

    public RenderJobs(String bootstrapServers, FileStemStore store, Backend backend, Duration keepFor) {
        JobTopics.ensure(bootstrapServers);
        this.store = store;
        this.backend = backend;
        this.planner = new JobPlanner(store);
        this.publisher = new JobPublisher(bootstrapServers, "gateway");
        this.states = new JobStates(bootstrapServers, "gateway-job-states").start();
        retention.scheduleWithFixedDelay(() -> {
            try {
                int purged = store.purgeOlderThan(keepFor);
                if (purged > 0) {
                    LOG.info("stem store retention: deleted {} items older than {}", purged, keepFor);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("stem store retention failed: {}", e.toString());
            }
        }, 1, 60, TimeUnit.MINUTES);
    }

    public StemStore store() {
        return store;
    }

    public JobStates states() {
        return states;
    }

    public String upload(InputStream content) throws IOException {
        return store.putInput(content);
    }

    /** Plans (validating everything) and publishes a job; returns its state. */
    public JobState submit(JsonNode project, Map<String, String> uploaded) throws ProjectException {
        byte[] id = new byte[16];
        random.nextBytes(id);
        JobPlan plan = planner.plan(HexFormat.of().formatHex(id), project, uploaded, backend);
        states.apply(publisher.submit(plan));
        return states.get(plan.jobId()).orElseThrow();
    }

    public Optional<JobState> get(String id) {
        return FileStemStore.isJobId(id) ? states.get(id) : Optional.empty();
    }

    /** Cancels a job: the workers skip its remaining tasks; finished outputs stay. */
    public void cancel(String id) throws IOException {
        store.mark(id, StemStore.Mark.CANCELLED);
        JobEvent cancelled = JobEvent.of(id, JobEvent.Type.CANCELLED);
        publisher.event(cancelled);
        states.apply(cancelled);
    }

    @Override
    public void close() {
        retention.shutdownNow();
        states.close();
        publisher.close();
    }
}
