package cloud.dawg.jobs;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.render.OfflineRenderer;
import cloud.dawg.render.ProjectParser;
import cloud.dawg.render.WavSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The render pipeline on a real in-process Kafka broker, with real workers and a real store. */
class RenderPipelineTest {
    static final Path DEMO = Path.of("../examples/demo");

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

    /** The demo project plus a second instrument track: 4 audio tracks and 2 instruments. */
    static ObjectNode project() throws Exception {
        ObjectNode p = (ObjectNode) Json.MAPPER.readTree(Files.readString(DEMO.resolve("project.json")));
        ObjectNode pad = ((ArrayNode) p.get("tracks")).addObject().put("name", "pad");
        ObjectNode instrument = pad.putObject("source").put("midi", "arp.mid").putObject("instrument");
        instrument.putArray("oscillators").addObject().put("wave", "triangle").put("level", 0.8);
        instrument.put("gain", 0.4);
        pad.putObject("strip").put("gain", 0.7).put("pan", -0.6);
        return p;
    }

    static Map<String, String> upload() throws Exception {
        Map<String, String> ids = new HashMap<>();
        for (String f : new String[]{"drums.wav", "bass.wav", "keys.wav", "lead.wav", "arp.mid"}) {
            try (InputStream in = Files.newInputStream(DEMO.resolve(f))) {
                ids.put(f, store.putInput(in));
            }
        }
        return ids;
    }

    static String newJobId() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static JobState await(String jobId) throws InterruptedException {
        long until = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < until) {
            JobState s = states.get(jobId).orElse(null);
            if (s != null && s.finished()) {
                return s;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + jobId + " did not finish within 120 s: " + states.get(jobId).map(s -> s.toJson("").toString()));
    }

    static float[][] read(Path wav) throws Exception {
        int block = 4096;
        try (WavSource in = WavSource.open(wav, "test", block)) {
            int n = (int) in.frames();
            float[][] lr = new float[2][n];
            float[] l = new float[block], r = new float[block];
            for (int at = 0; at < n; at += block) {
                int len = Math.min(block, n - at);
                in.read(l, r, len);
                System.arraycopy(l, 0, lr[0], at, len);
                System.arraycopy(r, 0, lr[1], at, len);
            }
            return lr;
        }
    }

    @Test
    void shouldRenderEveryStemAndTheMixExactlyAsDawgRenderDoes() throws Exception {
        JsonNode project = project();
        JobPlan plan = new JobPlanner(store).plan(newJobId(), project, upload(), backend);
        publisher.submit(plan);
        JobState done = await(plan.jobId());
        assertEquals(JobState.Status.DONE, done.status(), () -> done.toJson("").toString());

        Path local = dir.resolve("local");
        Files.createDirectories(local);
        for (String f : new String[]{"drums.wav", "bass.wav", "keys.wav", "lead.wav", "arp.mid"}) {
            Files.copy(DEMO.resolve(f), local.resolve(f));
        }
        Files.writeString(local.resolve("project.json"), project.toString());
        OfflineRenderer.render(ProjectParser.parse(local.resolve("project.json")), local.resolve("out"), backend,
                OfflineRenderer.Progress.NONE);
        for (JobPlan.TrackPlan t : plan.tracks()) {
            float[][] expected = read(local.resolve("out").resolve(t.name() + ".wav"));
            float[][] actual = read(store.path(StemStore.Kind.STEM, t.stemId()));
            assertArrayEquals(expected[0], actual[0], "stem " + t.name() + " (left)");
            assertArrayEquals(expected[1], actual[1], "stem " + t.name() + " (right)");
            assertTrue(done.stem(t.name()).loudness().integratedLufs() < 0, "stem " + t.name() + " has a loudness");
        }
        float[][] mix = read(store.path(StemStore.Kind.MIX, plan.mixId()));
        float[][] expected = read(local.resolve("out").resolve("mix.wav"));
        assertArrayEquals(expected[0], mix[0], "mix (left)");
        assertArrayEquals(expected[1], mix[1], "mix (right)");
        assertTrue(done.mix().loudness().integratedLufs() > -40, "the mix has a plausible loudness: " + done.mix().loudness());
    }

    @Test
    void shouldCompleteAnIdenticalProjectFromTheCacheWithoutRenderingAgain() throws Exception {
        JsonNode project = project();
        JobPlan first = new JobPlanner(store).plan(newJobId(), project, upload(), backend);
        publisher.submit(first);
        assertEquals(JobState.Status.DONE, await(first.jobId()).status());
        Map<Path, Long> outputs = outputs();
        long hitsBefore = mixWorker.cacheHits();

        JobPlan again = new JobPlanner(store).plan(newJobId(), project, upload(), backend);
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
        JobPlan badPlan = new JobPlanner(store).plan(newJobId(), bad, Map.of(), backend);
        Files.write(store.path(StemStore.Kind.INPUT, badId), "not a RIFF file at all".repeat(100).getBytes()); // overwritten
        JobPlan good = new JobPlanner(store).plan(newJobId(), project(), upload(), backend);

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
    void shouldSkipTheRemainingTasksOfACancelledJob() throws Exception {
        ObjectNode p = project();
        ((ObjectNode) p.get("master").get("strip")).put("gain", 0.55); // a mix no other test renders
        ((ObjectNode) p.get("tracks").get(0).get("strip")).put("gain", 0.66); // and a stem
        JobPlan plan = new JobPlanner(store).plan(newJobId(), p, upload(), backend);
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
        JobPlan plan = new JobPlanner(store).plan(newJobId(), p, upload(), backend);
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
