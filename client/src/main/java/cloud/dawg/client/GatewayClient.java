package cloud.dawg.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The gateway's REST API. */
public final class GatewayClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    /*
     * Responses and WebSocket messages are handled on the client's selector thread instead of
     * being handed to an executor thread: that hand-off per received frame was half of the load
     * generator's CPU (context switches) and sat inside every round trip it measured
     * (docs/BENCHMARKS.md, 2026-12-02). Hence listeners must not block (see ParticipantSocket).
     */
    // HTTP/1.1, what the gateway serves: the default (HTTP/2) first offers an h2c upgrade on every new connection
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(Runnable::run).build();

    /** A REST answer: status, content type and body (JSON or problem+json). */
    public record Response(int status, String contentType, JsonNode body) {
    }

    /** @param base e.g. {@code http://localhost:8080} */
    public GatewayClient(URI base) {
        this.base = base;
    }

    public URI base() {
        return base;
    }

    public HttpClient http() {
        return http;
    }

    public Response createSession(String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("/api/sessions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response session(String id, String token) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("/api/sessions/" + id)).header("Authorization", "Bearer " + token).GET());
    }

    public Response endSession(String id, String token) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("/api/sessions/" + id)).header("Authorization", "Bearer " + token).DELETE());
    }

    public Response get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public String getText(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
        return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), body);
    }

    /** Opens the participant WebSocket of a session (join separately). */
    public ParticipantSocket connect(String sessionId, ParticipantSocket.Listener listener) {
        String ws = base.toString().replaceFirst("^http", "ws") + "/ws/sessions/" + sessionId;
        return ParticipantSocket.connect(http, URI.create(ws), listener);
    }
}
