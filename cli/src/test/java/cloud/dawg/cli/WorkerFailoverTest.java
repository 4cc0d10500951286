package cloud.dawg.cli;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.jobs.DemoJob;
import cloud.dawg.jobs.FileStemStore;
import cloud.dawg.jobs.JobEvent;
import cloud.dawg.jobs.JobPlan;
import cloud.dawg.jobs.JobPlanner;
import cloud.dawg.jobs.JobPublisher;
import cloud.dawg.jobs.JobState;
import cloud.dawg.jobs.JobStates;
import cloud.dawg.jobs.JobTopics;
import cloud.dawg.jobs.StemStore;
import cloud.dawg.jobs.TaskWorker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dawg worker} processes on a real broker: a worker process killed (SIGKILL) in the middle
 * of a task; the job still completes with every output identical to {@code dawg render}, and the
 * store holds no duplicate or partial file.
 */
class WorkerFailoverTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    EmbeddedKafkaKraftBroker broker;
    String bootstrap;
    FileStemStore store;
    JobStates states;
    JobPublisher publisher;
    final List<JsonNode> events = new CopyOnWriteArrayList<>();
    Thread eventReader;
    volatile boolean reading = true;
    final List<Process> processes = new ArrayList<>();
    final List<TaskWorker> workers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        bootstrap = broker.getBrokersAsString();
        JobTopics.ensure(bootstrap);
        store = new FileStemStore(dir.resolve("store"));
        states = new JobStates(bootstrap, "test-states").start();
        publisher = new JobPublisher(bootstrap, "test-gateway");
        eventReader = Thread.ofPlatform().start(this::readEvents);
    }

    @AfterEach
    void stop() throws Exception {
        processes.forEach(Process::destroyForcibly);
        workers.forEach(TaskWorker::close);
        reading = false;
        eventReader.join(10_000);
        publisher.close();
        states.close();
        broker.destroy();
    }

    @Test
    void shouldCompleteTheJobWithIdenticalOutputsWhenAWorkerProcessIsKilledMidTask() throws Exception {
        Backend backend = Backends.preferred();
        ObjectNode project = DemoJob.project();
        project.put("lengthFrames", 48000 * 60); // a minute per task: long enough to be caught mid-render
        Process doomed = startWorkerProcess("doomed");
        workers.add(new TaskWorker(bootstrap, JobTopics.MIX_TASKS, JobTopics.MIX_GROUP, "survivor", store).start());
        workers.add(new TaskWorker(bootstrap, JobTopics.SYNTH_TASKS, JobTopics.SYNTH_GROUP, "survivor", store).start());
        for (TaskWorker w : workers) {
            assertTrue(w.awaitAssignment(), "the in-process worker joined its group");
        }
        JobPlan plan = new JobPlanner(store).plan(DemoJob.newJobId(), project, DemoJob.upload(store), backend);
        publisher.submit(plan);

        JsonNode caught = awaitEvent(e -> e.path("type").asText().equals("PROGRESS") && e.path("worker").asText().equals("doomed"));
        doomed.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no commit, a half-written file
        String track = caught.path("track").asText();
        long killedAt = System.currentTimeMillis();

        JobState done = await(plan.jobId());
        assertEquals(JobState.Status.DONE, done.status(), () -> done.toJson("").toString());
        // progress without a track is the mixdown's: the doomed worker may have been caught on it
        String finished = track.isEmpty() ? "MIX_DONE" : "STEM_DONE";
        String task = track.isEmpty() ? "the mixdown" : "track '" + track + "'";
        assertTrue(events.stream().anyMatch(e -> e.path("type").asText().equals(finished) && e.path("track").asText().equals(track)
                        && e.path("worker").asText().equals("survivor") && e.path("at").asLong() >= killedAt),
                () -> "the killed worker's task (" + task + ") was redelivered to the survivor and finished there; events: " + events);
        assertTrue(events.stream().noneMatch(e -> e.path("worker").asText().equals("doomed") && e.path("at").asLong() > killedAt),
                "the killed worker did nothing after its death");

        Path local = DemoJob.renderLocally(project, dir.resolve("local"), backend);
        for (JobPlan.TrackPlan t : plan.tracks()) {
            assertEquals(-1, Files.mismatch(local.resolve(t.name() + ".wav"), store.path(StemStore.Kind.STEM, t.stemId())),
                    "stem " + t.name() + " is byte for byte dawg render's");
        }
        assertEquals(-1, Files.mismatch(local.resolve("mix.wav"), store.path(StemStore.Kind.MIX, plan.mixId())), "the mix too");

        assertEquals(plan.tracks().stream().map(t -> t.stemId() + ".wav").collect(Collectors.toSet()), names("stems"),
                "one stem per track, no other file");
        assertEquals(Set.of(plan.mixId() + ".wav"), names("mixes"), "one mix");
        assertEquals(plan.tracks().stream().filter(JobPlan.TrackPlan::instrument).map(t -> t.dryId() + ".wav")
                .collect(Collectors.toSet()), names("dry"), "one dry render per instrument");
        Path ours = store.temporaryFolder();
        assertEquals(Set.of(ours.getFileName().toString(), ours.getFileName() + ".lock"), names("tmp"),
                "the killed worker's unfinished files were swept; only the live store's folder remains");
        try (Stream<Path> left = Files.list(ours)) {
            assertEquals(0, left.count(), "and it is empty");
        }
    }

    /** {@code dawg worker} in a JVM of its own, on the test's classpath. */
    Process startWorkerProcess(String name) throws Exception {
        Process p = CliProcess.start("dawg worker: " + name + " ready", "worker", "--bootstrap", bootstrap,
                "--store", store.root().toString(), "--name", name).process();
        processes.add(p);
        return p;
    }

    JsonNode awaitEvent(java.util.function.Predicate<JsonNode> which) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < until) {
            for (JsonNode e : events) {
                if (which.test(e)) {
                    return e;
                }
            }
            Thread.sleep(2);
        }
        throw new AssertionError("no such event within 60 s; events: " + events);
    }

    JobState await(String jobId) throws InterruptedException {
        return states.awaitFinished(jobId, Duration.ofSeconds(120))
                .orElseThrow(() -> new AssertionError("job " + jobId + " did not finish within 120 s"));
    }

    Set<String> names(String folder) throws Exception {
        try (Stream<Path> files = Files.list(store.root().resolve(folder))) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private void readEvents() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-events");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(JobTopics.EVENTS));
            while (reading) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        events.add(JSON.readTree(r.value()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
    }
}
