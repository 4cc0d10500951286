package cloud.dawg.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway process killed (SIGKILL) while its job renders, and a new gateway process started in
 * its place on the same broker and store: the new one rebuilds the job's state from Kafka and
 * serves its state, progress (REST and server-sent events) and downloads. The services' workers
 * (in the shared {@link LiveStack}) render throughout.
 */
class GatewayRestartTest {
    static LiveStack stack;
    // HTTP/1.1, what the gateway serves: the default (HTTP/2) first offers an h2c upgrade on every new connection
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final List<Process> gateways = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stack = LiveStack.shared();
    }

    @AfterEach
    void stopGateways() {
        gateways.forEach(Process::destroyForcibly);
    }

    @Test
    void shouldServeTheJobsStateProgressAndOutputsFromAGatewayRestartedMidJob() throws Exception {
        int port = LiveStack.freePort();
        URI base = URI.create("http://localhost:" + port + "/api/render-jobs");
        Process first = startGateway(port);
        ObjectNode project = (ObjectNode) Sessions.JSON.readTree(Files.readAllBytes(RenderJobTest.DEMO.resolve("project.json")));
        project.put("lengthFrames", 48000 * 45); // long enough to restart a gateway while it renders
        HttpResponse<String> submitted = HTTP.send(RenderJobTest.submit(base, project.toString().getBytes(StandardCharsets.UTF_8)),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, submitted.statusCode(), submitted.body());
        URI job = URI.create(base + "/" + Sessions.JSON.readTree(submitted.body()).get("id").asText());

        JsonNode before = awaitState(job, s -> s.path("state").asText().equals("running") && progressSum(s) > 0);
        first.destroyForcibly().waitFor();
        Process second = startGateway(port);

        // never "unknown": 503 while the new gateway reads the topic, then the job
        JsonNode after = awaitState(job, s -> true);
        assertNotEquals("queued", after.path("state").asText(), after.toString());
        for (int i = 0; i < before.get("stems").size(); i++) {
            JsonNode was = before.get("stems").get(i), is = after.get("stems").get(i);
            assertEquals(was.get("name"), is.get("name"));
            assertTrue(is.get("progress").asDouble() >= was.get("progress").asDouble()
                    || is.get("state").asText().equals("done"), "progress of " + was.get("name") + " survives: " + was + " -> " + is);
        }

        List<String> events = serverSentEvents(URI.create(job + "/events"));
        assertEquals("event:state", events.getFirst(), "the stream opens with the state now: " + events);
        JsonNode last = Sessions.JSON.readTree(events.getLast().substring("data:".length()));
        assertEquals("done", last.get("state").asText(), "and follows the job to its end through the new gateway");

        HttpResponse<byte[]> mix = HTTP.send(HttpRequest.newBuilder(URI.create(job + "/mix")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, mix.statusCode());
        assertEquals(48000L * 45 * 8 + 44, mix.body().length, "the whole 45 s float stereo mix (WAV header included)");
        assertTrue(mix.headers().firstValue("X-Integrated-Loudness-LUFS").isPresent());
        assertTrue(second.isAlive());
    }

    static double progressSum(JsonNode state) {
        double sum = 0;
        for (JsonNode s : state.get("stems")) {
            sum += s.get("state").asText().equals("done") ? 1 : s.get("progress").asDouble();
        }
        return sum;
    }

    /** Polls the job until {@code until} holds; 503 (state loading) and refused connections (restarting) are waited out, 404 is not. */
    static JsonNode awaitState(URI job, java.util.function.Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(job).build(), HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                assertNotEquals(404, r.statusCode(), "a job is never reported unknown: " + r.body());
                if (r.statusCode() == 200 && until.test(Sessions.JSON.readTree(r.body()))) {
                    return Sessions.JSON.readTree(r.body());
                }
                if (r.statusCode() == 503) {
                    assertEquals("1", r.headers().firstValue("Retry-After").orElse(""), r.body());
                }
            } catch (ConnectException restarting) {
                last = "connection refused";
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the job did not reach the expected state within 120 s; last: " + last);
    }

    /** The stream's {@code event:} and {@code data:} lines, until the server ends it. */
    static List<String> serverSentEvents(URI events) throws Exception {
        HttpResponse<java.util.stream.Stream<String>> r = HTTP.send(HttpRequest.newBuilder(events)
                .timeout(java.time.Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        try (var lines = r.body()) {
            return lines.filter(l -> l.startsWith("event:") || l.startsWith("data:")).toList();
        }
    }

    /** The gateway in a JVM of its own, on the same broker, store and services as the shared stack. */
    Process startGateway(int port) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "cloud.dawg.gateway.GatewayApplication",
                "--server.port=" + port, "--spring.grpc.server.port=" + LiveStack.freePort(),
                "--dawg.gateway.mix-targets=localhost:" + stack.mixGrpc, "--dawg.gateway.synth-targets=localhost:" + stack.synthGrpc,
                "--dawg.render.bootstrap-servers=" + stack.kafka.getBrokersAsString(), "--dawg.render.store=" + stack.store,
                "--dawg.render.backend=" + stack.backend, "--dawg.backend=" + stack.backend);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        gateways.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        for (String line; System.nanoTime() < deadline && (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.contains("Started GatewayApplication")) {
                Thread.ofVirtual().start(() -> out.lines().forEach(l -> { })); // keep draining its log
                return p;
            }
        }
        throw new AssertionError("the gateway process did not start:\n" + seen);
    }
}
