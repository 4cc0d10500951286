package cloud.dawg.system;

import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.render.OfflineRenderer;
import cloud.dawg.render.ProjectParser;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cloud.dawg.jobs.JobStates;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Render jobs through the gateway's REST, rendered by the services' workers over a real Kafka broker. */
class RenderJobTest {
    static final Path DEMO = Path.of("../examples/demo");
    static final String[] FILES = {"drums.wav", "bass.wav", "keys.wav", "lead.wav", "arp.mid"};
    static LiveStack stack;
    // HTTP/1.1, what the gateway serves: the default (HTTP/2) first offers an h2c upgrade on every new connection
    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        stack = LiveStack.shared();
    }

    static URI gateway(String path) {
        return URI.create("http://localhost:" + stack.gatewayHttp + path);
    }

    /** A multipart/form-data body: the project part, then one part per file, named as the project references it. */
    static HttpRequest submit(byte[] project) throws Exception {
        return submit(gateway("/api/render-jobs"), project);
    }

    static HttpRequest submit(URI endpoint, byte[] project) throws Exception {
        String boundary = "dawg-" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, boundary, "project", "project.json", project);
        for (String f : FILES) {
            part(body, boundary, f, f, Files.readAllBytes(DEMO.resolve(f)));
        }
        body.write(("--" + boundary + "--\r\n").getBytes());
        return HttpRequest.newBuilder(endpoint).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
    }

    static void part(ByteArrayOutputStream body, String boundary, String name, String file, byte[] content) throws Exception {
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + file
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes());
        body.write(content);
        body.write("\r\n".getBytes());
    }

    static JsonNode awaitDone(URI job) throws Exception {
        long until = System.nanoTime() + 120_000_000_000L;
        JsonNode state = null;
        while (System.nanoTime() < until) {
            // a request that hangs fails the test in 30 s instead of running into CI's limit
            state = Sessions.JSON.readTree(http.send(HttpRequest.newBuilder(job).timeout(java.time.Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (!state.path("state").asText().matches("queued|running")) {
                return state;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the job did not finish within 120 s: " + state);
    }

    @Test
    void shouldRenderASubmittedProjectIntoTheStemsAndMixThatDawgRenderWrites(@TempDir Path dir) throws Exception {
        HttpResponse<String> submitted = http.send(submit(Files.readAllBytes(DEMO.resolve("project.json"))), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, submitted.statusCode(), submitted.body());
        String id = Sessions.JSON.readTree(submitted.body()).get("id").asText();
        JsonNode done = awaitDone(gateway("/api/render-jobs/" + id));
        assertEquals("done", done.get("state").asText(), done.toString());
        assertEquals(stack.backend, done.get("backend").asText());

        OfflineRenderer.render(ProjectParser.parse(DEMO.resolve("project.json")), dir, Backends.byName(stack.backend),
                OfflineRenderer.Progress.NONE);
        for (JsonNode stem : done.get("stems")) {
            byte[] served = http.send(HttpRequest.newBuilder(gateway(stem.get("url").asText())).build(),
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            assertArrayEquals(Files.readAllBytes(dir.resolve(stem.get("name").asText() + ".wav")), served,
                    "stem " + stem.get("name").asText() + " equals dawg render's, byte for byte");
            assertTrue(stem.get("integratedLufs").asDouble() < -5 && stem.get("integratedLufs").asDouble() > -60, stem.toString());
        }
        HttpResponse<byte[]> mix = http.send(HttpRequest.newBuilder(gateway("/api/render-jobs/" + id + "/mix")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        byte[] expected = Files.readAllBytes(dir.resolve("mix.wav"));
        assertArrayEquals(expected, mix.body(), "the mix equals dawg render's");
        assertEquals(String.valueOf(expected.length), mix.headers().firstValue("Content-Length").orElse(""));
        assertTrue(mix.headers().firstValue("X-Integrated-Loudness-LUFS").isPresent());

        HttpResponse<byte[]> range = http.send(HttpRequest.newBuilder(gateway("/api/render-jobs/" + id + "/mix"))
                .header("Range", "bytes=1000-1999").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, range.statusCode());
        assertArrayEquals(Arrays.copyOfRange(expected, 1000, 2000), range.body(), "a range is exactly those bytes");

        // what a restarted gateway does on start-up: fold the event topic from its beginning (the gateway's
        // JobStates, in a fresh consumer that never saw the submission) and serve the same state
        try (JobStates rebuilt = new JobStates(stack.kafka.getBrokersAsString(), "restarted-gateway").start()) {
            long until = System.nanoTime() + 30_000_000_000L;
            while (!(rebuilt.caughtUp() && rebuilt.get(id).isPresent()) && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            JsonNode state = rebuilt.get(id).orElseThrow().toJson("/api/render-jobs/" + id);
            assertEquals("done", state.get("state").asText());
            assertEquals(done.get("stems"), state.get("stems"), "the same stems, progress and loudness");
            assertEquals(done.get("mix"), state.get("mix"));
        }
    }

    @Test
    void shouldRefuseAProjectThatReferencesAFileNotUploadedNamingTheField() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(gateway("/api/render-jobs")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"sampleRate\":48000,\"tracks\":[{\"name\":\"a\",\"source\":{\"file\":\"a.wav\"}}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(422, r.statusCode());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.body().contains("tracks[0].source.file"), r.body());

        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(gateway("/api/render-jobs/" + "0".repeat(32))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, unknown.statusCode());
    }
}
