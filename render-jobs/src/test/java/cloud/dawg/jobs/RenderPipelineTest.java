package cloud.dawg.jobs;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.dsp.backend.MixKernel;
import cloud.dawg.dsp.backend.MixLayout;
import cloud.dawg.dsp.backend.SynthKernel;
import cloud.dawg.dsp.backend.SynthLayout;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The render pipeline on a real in-process Kafka broker, with real workers and a real store. */
class RenderPipelineTest {
    static final Path DEMO = DemoJob.DEMO;

    static EmbeddedKafkaKraftBroker broker;
    static FileStemStore store;
    static JobStates states;
    static JobPublisher publisher;
    static TaskWorker synthWorker, mixWorker;
    static Backend backend = Backends.preferred();

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        String bootstrap = broker.getBrokersAsString();
        JobTopics.ensure(bootstrap);
        store = new FileStemStore(dir.resolve("store"));
        states = new JobStates(bootstrap, "test-states").start();
        publisher = new JobPublisher(bootstrap, "test-gateway");
        synthWorker = new TaskWorker(bootstrap, JobTopics.SYNTH_TASKS, JobTopics.SYNTH_GROUP, "synth-1", store).start();
        mixWorker = new TaskWorker(bootstrap, JobTopics.MIX_TASKS, JobTopics.MIX_GROUP, "mix-1", store).start();
    }

    @AfterAll
    static void stop() {
        synthWorker.close();
        mixWorker.close();
        publisher.close();
        states.close();
        broker.destroy();
    }

    static JobState await(String jobId) throws InterruptedException {
        return states.awaitFinished(jobId, java.time.Duration.ofSeconds(120)).orElseThrow(() -> new AssertionError("job " + jobId + " did not finish within 120 s: " + states.get(jobId).map(s -> s.toJson("").toString())));
    }

    @Test
    void shouldRenderEveryStemAndTheMixExactlyAsDawgRenderDoes() throws Exception {
        JsonNode project = DemoJob.project();
        JobPlan plan = new JobPlanner(store).plan(DemoJob.newJobId(), project, DemoJob.upload(store), backend);
        publisher.submit(plan);
        JobState done = await(plan.jobId());
        assertEquals(JobState.Status.DONE, done.status(), () -> done.toJson("").toString());

        Path local = DemoJob.renderLocally(project, dir.resolve("local"), backend);
        for (JobPlan.TrackPlan t : plan.tracks()) {
            float[][] expected = DemoJob.read(local.resolve(t.name() + ".wav"));
            float[][] actual = DemoJob.read(store.path(StemStore.Kind.STEM, t.stemId()));
            assertArrayEquals(expected[0], actual[0], "stem " + t.name() + " (left)");
            assertArrayEquals(expected[1], actual[1], "stem " + t.name() + " (right)");
            assertTrue(done.stem(t.name()).loudness().integratedLufs() < 0, "stem " + t.name() + " has a loudness");
        }
        float[][] mix = DemoJob.read(store.path(StemStore.Kind.MIX, plan.mixId()));
        float[][] expected = DemoJob.read(local.resolve("mix.wav"));
        assertArrayEquals(expected[0], mix[0], "mix (left)");
        assertArrayEquals(expected[1], mix[1], "mix (right)");
        assertTrue(done.mix().loudness().integratedLufs() > -40, "the mix has a plausible loudness: " + done.mix().loudness());
    }

    @Test
    void shouldCompleteAnIdenticalProjectFromTheCacheWithoutRenderingAgain() throws Exception {
        JsonNode project = DemoJob.project();
        JobPlan first = new JobPlanner(store).plan(DemoJob.newJobId(), project, DemoJob.upload(store), backend);
        publisher.submit(first);
        assertEquals(JobState.Status.DONE, await(first.jobId()).status());
        Map<Path, Long> outputs = outputs();
        long hitsBefore = mixWorker.cacheHits();

        JobPlan again = new JobPlanner(store).plan(DemoJob.newJobId(), project, DemoJob.upload(store), backend);
        assertEquals(first.mixId(), again.mixId(), "the same inputs and settings give the same output ids");
        publisher.submit(again);
        JobState done = await(again.jobId());
        assertEquals(JobState.Status.DONE, done.status());
        String json = done.toJson("").toString();
        assertFalse(json.contains("\"cached\":false"), "every output came from the cache: " + json);
        assertTrue(mixWorker.cacheHits() >= hitsBefore + again.tracks().size() + 1, "stems and mix were found, not rendered");
        assertEquals(outputs, outputs(), "no output was written again");
    }

    @Test
    void shouldFailOnlyTheJobWhoseInputIsCorruptAndDeadLetterItsTask() throws Exception {
        // a file that validates at submission, then is damaged in the store before a worker reads it
        byte[] wav = Files.readAllBytes(DEMO.resolve("bass.wav"));
        byte[] unique = java.util.Arrays.copyOf(wav, wav.length);
        unique[unique.length - 1] ^= 1; // its own content id, so no other job shares the damaged file
        String badId = store.putInput(new java.io.ByteArrayInputStream(unique));
        ObjectNode bad = Json.MAPPER.createObjectNode().put("sampleRate", 48000).put("blockSize", 128);
        bad.putArray("tracks").addObject().put("name", "broken").putObject("source").put("file", badId);
        JobPlan badPlan = new JobPlanner(store).plan(DemoJob.newJobId(), bad, Map.of(), backend);
        Files.write(store.path(StemStore.Kind.INPUT, badId), "not a RIFF file at all".repeat(100).getBytes()); // overwritten
        JobPlan good = new JobPlanner(store).plan(DemoJob.newJobId(), DemoJob.project(), DemoJob.upload(store), backend);

        long failedBefore = mixWorker.tasksFailed();
        publisher.submit(badPlan);
        publisher.submit(good);
        JobState failed = await(badPlan.jobId());
        assertEquals(JobState.Status.FAILED, failed.status());
        assertTrue(failed.error().contains("strip of track 'broken' failed after 3 attempts"), failed.error());
        assertEquals(JobState.Status.DONE, await(good.jobId()).status(), "the other job is not affected");
        assertEquals(failedBefore + 1, mixWorker.tasksFailed(), "one task dead-lettered");
        assertFalse(store.exists(StemStore.Kind.STEM, badPlan.tracks().get(0).stemId()), "no partial stem");
        try (var tmp = Files.list(store.temporaryFolder())) {
            assertEquals(0, tmp.count(), "no temporary files left behind");
        }
    }

    @Test
    void shouldFailAJobPlannedForAnotherArithmeticWithoutFilingAnyOutputUnderItsIds() throws Exception {
        Backend elsewhere = new OtherMachine(backend); // the same backend on a CPU with wider vectors
        JobPlan foreign = new JobPlanner(store).plan(DemoJob.newJobId(), DemoJob.project(), DemoJob.upload(store), elsewhere);
        JobPlan local = new JobPlanner(store).plan(DemoJob.newJobId(), DemoJob.project(), DemoJob.upload(store), backend);
        assertEquals(backend.name(), foreign.backend());
        assertNotEquals(local.mixId(), foreign.mixId(), "another arithmetic names other outputs");
        for (int i = 0; i < local.tracks().size(); i++) {
            assertNotEquals(local.tracks().get(i).stemId(), foreign.tracks().get(i).stemId());
        }

        publisher.submit(foreign);
        JobState failed = await(foreign.jobId());
        assertEquals(JobState.Status.FAILED, failed.status());
        assertTrue(failed.error().contains("arithmetic is " + backend.arithmetic() + ", the job was planned for " + elsewhere.arithmetic()),
                failed.error());
        assertFalse(store.exists(StemStore.Kind.MIX, foreign.mixId()), "no mix under the foreign id");
        for (JobPlan.TrackPlan t : foreign.tracks()) {
            assertFalse(store.exists(StemStore.Kind.STEM, t.stemId()), "no stem under the foreign id of " + t.name());
        }
    }

    /** A backend as it would be on another machine: the same code with another vector width. */
    private record OtherMachine(Backend here) implements Backend {
        @Override
        public String name() {
            return here.name();
        }

        @Override
        public Availability availability() {
            return here.availability();
        }

        @Override
        public Capabilities capabilities() {
            Capabilities c = here.capabilities();
            return new Capabilities(c.precisionBits(), c.lanes() * 2, c.isa() + "-elsewhere");
        }

        @Override
        public MixKernel openMix(MixLayout layout, int sampleRate) {
            return here.openMix(layout, sampleRate);
        }

        @Override
        public SynthKernel openSynth(SynthLayout layout, float[] tables) {
            return here.openSynth(layout, tables);
        }
    }

    @Test
    void shouldSkipTheRemainingTasksOfACancelledJob() throws Exception {
        ObjectNode p = DemoJob.project();
        ((ObjectNode) p.get("master").get("strip")).put("gain", 0.55); // a mix no other test renders
        ((ObjectNode) p.get("tracks").get(0).get("strip")).put("gain", 0.66); // and a stem
        JobPlan plan = new JobPlanner(store).plan(DemoJob.newJobId(), p, DemoJob.upload(store), backend);
        store.mark(plan.jobId(), StemStore.Mark.CANCELLED);
        JobEvent cancelled = JobEvent.of(plan.jobId(), JobEvent.Type.CANCELLED);
        publisher.submit(plan);
        publisher.event(cancelled);
        JobState state = await(plan.jobId());
        assertEquals(JobState.Status.CANCELLED, state.status());
        Thread.sleep(2000); // time for the workers to reach the job's tasks
        assertFalse(store.exists(StemStore.Kind.STEM, plan.tracks().get(0).stemId()), "a skipped task rendered nothing");
        assertFalse(store.exists(StemStore.Kind.MIX, plan.mixId()), "no mixdown");
    }

    @Test
    void shouldStopATaskThatIsAlreadyRenderingWhenItsJobIsCancelled() throws Exception {
        ObjectNode p = Json.MAPPER.createObjectNode().put("sampleRate", 48000).put("blockSize", 128)
                .put("lengthFrames", 48000 * 240); // four minutes: a task long enough to be caught mid-render
        p.putArray("tracks").addObject().put("name", "long").putObject("source").put("file", "drums.wav");
        JobPlan plan = new JobPlanner(store).plan(DemoJob.newJobId(), p, DemoJob.upload(store), backend);
        long abandonedBefore = mixWorker.tasksCancelledMidway();
        publisher.submit(plan);
        long until = System.nanoTime() + 60_000_000_000L;
        while (states.get(plan.jobId()).map(s -> s.stem("long").progress()).orElse(0.0) <= 0) {
            assertTrue(System.nanoTime() < until, "the task reports progress");
            Thread.sleep(5);
        }
        store.mark(plan.jobId(), StemStore.Mark.CANCELLED);
        publisher.event(JobEvent.of(plan.jobId(), JobEvent.Type.CANCELLED));
        assertEquals(JobState.Status.CANCELLED, await(plan.jobId()).status());
        while (mixWorker.tasksCancelledMidway() == abandonedBefore) {
            assertTrue(System.nanoTime() < until, "the worker abandons the task it was rendering");
            Thread.sleep(5);
        }
        assertFalse(store.exists(StemStore.Kind.STEM, plan.tracks().get(0).stemId()), "the abandoned stem is not stored");
        try (var tmp = Files.list(store.temporaryFolder())) {
            assertEquals(0, tmp.count(), "nor left half-written");
        }
    }

    /** Every stem and mix in the store, with its modification time. */
    static Map<Path, Long> outputs() throws Exception {
        Map<Path, Long> files = new HashMap<>();
        for (String folder : new String[]{"stems", "mixes", "dry"}) {
            try (var list = Files.list(store.root().resolve(folder))) {
                for (Path f : list.toList()) {
                    files.put(f, Files.getLastModifiedTime(f).toMillis());
                }
            }
        }
        return files;
    }
}
