package cloud.dawg.system;

import cloud.dawg.client.GatewayClient;
import cloud.dawg.client.ParticipantSocket;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test participant: a real WebSocket, with what it received kept for assertions. */
final class Participant implements ParticipantSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Closed(int code, String reason) {
    }

    final BlockingQueue<JsonNode> texts = new LinkedBlockingQueue<>();
    final Map<Long, float[][]> master = new ConcurrentHashMap<>();
    final Map<Long, float[][]> monitor = new ConcurrentHashMap<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    final ParticipantSocket socket;

    Participant(GatewayClient gateway, String sessionId) {
        socket = gateway.connect(sessionId, this);
    }

    /** Joins and returns the joined message. */
    JsonNode join(String token, boolean monitorMix) throws InterruptedException {
        socket.sendText(JSON.createObjectNode().put("type", "join").put("token", token).put("monitorMix", monitorMix).toString());
        return next("joined");
    }

    /** The next text message of a type (others are skipped), or fails after 10 s. */
    JsonNode next(String type) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            JsonNode m = texts.poll(100, TimeUnit.MILLISECONDS);
            if (m != null && type.equals(m.path("type").asText())) {
                return m;
            }
            if (closed.isDone() && texts.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("no '" + type + "' message within 10 s" + (closed.isDone() ? "; closed: " + closed.join() : ""));
    }

    /** Waits for the master mix of a block. */
    float[][] awaitMaster(long sequence, Duration timeout) throws InterruptedException {
        return Sessions.awaitBlock(master, sequence, timeout, () -> closed.isDone() ? "; closed: " + closed.join() : "");
    }

    Closed awaitClose() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void text(String json) {
        try {
            texts.add(JSON.readTree(json));
        } catch (Exception e) {
            throw new AssertionError("gateway sent invalid JSON: " + json, e);
        }
    }

    @Override
    public void mix(int kind, long sequence, float[] left, float[] right) {
        (kind == 2 ? master : monitor).put(sequence, new float[][]{left, right});
    }

    @Override
    public void closed(int code, String reason) {
        closed.complete(new Closed(code, reason));
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.close();
        }
    }
}
