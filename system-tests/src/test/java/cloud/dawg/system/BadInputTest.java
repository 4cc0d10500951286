package cloud.dawg.system;

import cloud.dawg.client.GatewayClient;
import cloud.dawg.client.ParticipantSocket;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static cloud.dawg.system.Sessions.BLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input through the real sockets: each gets its own close code or problem, and other sessions carry on. */
class BadInputTest {
    static GatewayClient gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = LiveStack.shared().gateway();
    }

    private static JsonNode twoTrackSession() throws Exception {
        ObjectNode s = Sessions.session(List.of(new String[]{"alice", "editor"}, new String[]{"lou", "listener"}));
        ((ArrayNode) s.get("tracks")).addObject().put("name", "a").put("owner", "alice");
        ((ArrayNode) s.get("tracks")).addObject().put("name", "b").put("owner", "alice");
        return Sessions.create(gateway, s);
    }

    private static float[][] silence(int n) {
        return new float[n][BLOCK];
    }

    private static Participant.Closed closeAfter(JsonNode created, String who, byte[] frame) throws Exception {
        try (Participant p = new Participant(gateway, created.get("id").asText())) {
            p.join(Sessions.token(created, who), false);
            try {
                p.socket.sendBinary(frame);
            } catch (RuntimeException closedWhileSending) {
                // the gateway may close before the client has finished writing a large frame
            }
            return p.awaitClose();
        }
    }

    @Test
    void shouldCloseAConnectionToAnUnknownSessionWith4404() throws Exception {
        try (Participant p = new Participant(gateway, "no-such-session")) {
            Participant.Closed closed = p.awaitClose();
            assertEquals(4404, closed.code());
            assertTrue(closed.reason().contains("no-such-session"), closed.reason());
        }
    }

    @Test
    void shouldRefuseATokenOfAnotherSessionWith4403AndAForgedOneWith4401() throws Exception {
        JsonNode one = twoTrackSession(), other = twoTrackSession();
        try (Participant p = new Participant(gateway, one.get("id").asText())) {
            p.socket.sendText("{\"type\":\"join\",\"token\":\"" + Sessions.token(other, "alice") + "\"}");
            Participant.Closed closed = p.awaitClose();
            assertEquals(4403, closed.code());
            assertTrue(closed.reason().contains("another session"), closed.reason());
        }
        try (Participant p = new Participant(gateway, one.get("id").asText())) {
            String forged = Sessions.token(one, "lou").replaceFirst("\\.", ".x");
            p.socket.sendText("{\"type\":\"join\",\"token\":\"" + forged + "\"}");
            assertEquals(4401, p.awaitClose().code());
        }
    }

    @Test
    void shouldCloseAListenerSendingAudioWith4403() throws Exception {
        JsonNode created = twoTrackSession();
        Participant.Closed closed = closeAfter(created, "lou",
                ParticipantSocket.audioFrame(0, BLOCK, new int[]{1}, silence(1), silence(1)));
        assertEquals(4403, closed.code());
        assertTrue(closed.reason().contains("listeners cannot send audio"), closed.reason());
    }

    @Test
    void shouldCloseAudioWithTheWrongFrameCountWith4422() throws Exception {
        JsonNode created = twoTrackSession();
        Participant.Closed closed = closeAfter(created, "alice",
                ParticipantSocket.audioFrame(0, 64, new int[]{1}, new float[][]{new float[64]}, new float[][]{new float[64]}));
        assertEquals(4422, closed.code());
        assertTrue(closed.reason().contains("64 frames") && closed.reason().contains("128"), closed.reason());
    }

    @Test
    void shouldCloseAJoinAtAnotherSampleRateWith4422() throws Exception {
        JsonNode created = twoTrackSession();
        try (Participant p = new Participant(gateway, created.get("id").asText())) {
            p.socket.sendText("{\"type\":\"join\",\"token\":\"" + Sessions.token(created, "alice") + "\",\"sampleRate\":44100}");
            Participant.Closed closed = p.awaitClose();
            assertEquals(4422, closed.code());
            assertTrue(closed.reason().contains("48000") && closed.reason().contains("44100"), closed.reason());
        }
    }

    @Test
    void shouldCloseATruncatedOrMalformedFrameWith1007() throws Exception {
        JsonNode created = twoTrackSession();
        byte[] whole = ParticipantSocket.audioFrame(0, BLOCK, new int[]{1}, silence(1), silence(1));
        Participant.Closed truncated = closeAfter(created, "alice", Arrays.copyOf(whole, whole.length - 10));
        assertEquals(1007, truncated.code());
        assertTrue(truncated.reason().contains("truncated"), truncated.reason());
        assertEquals(1007, closeAfter(created, "alice", new byte[]{1, 1, 0}).code());
    }

    @Test
    void shouldCloseAnOversizeMessageWith1009() throws Exception {
        JsonNode created = twoTrackSession();
        Participant.Closed closed = closeAfter(created, "alice", new byte[LiveStack.MAX_FRAME_BYTES + 1024]);
        assertEquals(1009, closed.code(), closed.reason());
    }

    @Test
    void shouldCloseAudioForSomeoneElsesTrackWith4403() throws Exception {
        ObjectNode s = Sessions.session(List.of(new String[]{"alice", "editor"}, new String[]{"bob", "editor"}));
        ((ArrayNode) s.get("tracks")).addObject().put("name", "a").put("owner", "alice");
        JsonNode created = Sessions.create(gateway, s);
        Participant.Closed closed = closeAfter(created, "bob", ParticipantSocket.audioFrame(0, BLOCK, new int[]{1}, silence(1), silence(1)));
        assertEquals(4403, closed.code());
        assertTrue(closed.reason().contains("belongs to alice"), closed.reason());
    }

    @Test
    void shouldSanitiseNanAndInfinityReportOnceAndKeepTheMixFinite() throws Exception {
        JsonNode created = twoTrackSession();
        try (Participant alice = new Participant(gateway, created.get("id").asText())) {
            alice.join(Sessions.token(created, "alice"), false);
            for (int b = 0; b < 20; b++) {
                if (b >= 4) {
                    alice.awaitMaster(b - 4, Duration.ofSeconds(10));
                }
                float[][] l = {new float[BLOCK], new float[BLOCK]}, r = {new float[BLOCK], new float[BLOCK]};
                Arrays.fill(l[1], 0.5f);
                Arrays.fill(r[1], 0.5f);
                l[0][b] = Float.NaN;
                r[0][b + 1] = Float.POSITIVE_INFINITY;
                alice.socket.sendBinary(ParticipantSocket.audioFrame(b, BLOCK, new int[]{1, 2}, l, r));
            }
            float[][] last = alice.awaitMaster(19, Duration.ofSeconds(10));
            JsonNode event = alice.next("event");
            assertEquals("sanitised", event.get("kind").asText());
            assertEquals("a", event.get("track").asText());
            Thread.sleep(100);
            assertTrue(alice.texts.stream().noneMatch(t -> "sanitised".equals(t.path("kind").asText())), "reported once");
            for (long b = 0; b < 20; b++) {
                for (float[] c : alice.master.get(b)) {
                    for (float v : c) {
                        assertTrue(Float.isFinite(v), "block " + b + " is finite");
                    }
                }
            }
            assertTrue(Math.abs(last[0][0]) > 0.1, "the clean track still plays");
        }
        String metrics = LiveStack.shared().mixHttp().getText("/actuator/prometheus");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("dawg_samples_sanitised_total") && !l.endsWith(" 0.0")), "counted");
    }

    @Test
    void shouldKeepOtherSessionsPlayingWhenAParticipantDisconnectsMidStream() throws Exception {
        JsonNode victim = twoTrackSession(), other = twoTrackSession();
        try (Participant quitter = new Participant(gateway, victim.get("id").asText());
             Participant steady = new Participant(gateway, other.get("id").asText())) {
            quitter.join(Sessions.token(victim, "alice"), false);
            steady.join(Sessions.token(other, "alice"), false);
            for (int b = 0; b < 200; b++) {
                if (b >= 4) {
                    steady.awaitMaster(b - 4, Duration.ofSeconds(10));
                }
                byte[] frame = ParticipantSocket.audioFrame(b, BLOCK, new int[]{1, 2}, silence(2), silence(2));
                if (b < 100) {
                    quitter.socket.sendBinary(frame);
                } else if (b == 100) {
                    quitter.socket.abort();
                }
                steady.socket.sendBinary(frame);
            }
            steady.awaitMaster(199, Duration.ofSeconds(10));
            assertEquals(200, steady.master.size(), "the other session got every block");
        }
        JsonNode state = gateway.session(victim.get("id").asText(), victim.get("ownerToken").asText()).body();
        assertEquals(false, state.at("/participants/0/connected").asBoolean(), "the quitter is marked gone");
    }

    @Test
    void shouldRefuseASessionBeyondTheInstancesCapacityWith503() throws Exception {
        ObjectNode s = Sessions.session(List.<String[]>of(new String[]{"alice", "editor"}));
        for (int t = 0; t <= LiveStack.MIX_CAPACITY; t++) {
            ((ArrayNode) s.get("tracks")).addObject().put("name", "t" + t).put("owner", "alice");
        }
        GatewayClient.Response r = gateway.createSession(s.toString());
        assertEquals(503, r.status());
        assertEquals("application/problem+json", r.contentType());
        assertTrue(r.body().get("detail").asText().contains("RESOURCE_EXHAUSTED"), r.body().toString());
        assertTrue(r.body().get("detail").asText().contains("needs " + (LiveStack.MIX_CAPACITY + 1)), r.body().toString());
    }

    @Test
    void shouldServeItsOpenApiDescription() throws Exception {
        String openapi = gateway.getText("/openapi.yaml");
        assertTrue(openapi.startsWith("openapi: 3.1.0"), openapi.lines().findFirst().orElse(""));
        assertTrue(openapi.contains("/api/sessions/{id}:") && openapi.contains("application/problem+json"));
    }

    @Test
    void shouldAnswerBadRestRequestsWithProblemDetailsNamingTheField() throws Exception {
        GatewayClient.Response notJson = gateway.createSession("{oops");
        assertEquals(400, notJson.status());
        assertEquals("application/problem+json", notJson.contentType());
        assertTrue(notJson.body().get("detail").asText().contains("not valid JSON"), notJson.body().toString());

        ObjectNode s = Sessions.session(List.<String[]>of(new String[]{"alice", "editor"}));
        ((ArrayNode) s.get("tracks")).addObject().put("name", "a").put("owner", "alice").putObject("strip").put("gian", 1);
        GatewayClient.Response unknownField = gateway.createSession(s.toString());
        assertEquals(400, unknownField.status());
        assertTrue(unknownField.body().get("detail").asText().contains("tracks[0].strip: gian: unknown field"), unknownField.body().toString());

        ObjectNode badOwner = Sessions.session(List.<String[]>of(new String[]{"alice", "listener"}));
        ((ArrayNode) badOwner.get("tracks")).addObject().put("name", "a").put("owner", "alice");
        assertTrue(gateway.createSession(badOwner.toString()).body().get("detail").asText().contains("is a listener"));

        JsonNode one = twoTrackSession(), other = twoTrackSession();
        String id = one.get("id").asText();
        GatewayClient.Response noToken = gateway.get("/api/sessions/" + id);
        assertEquals(401, noToken.status());
        assertEquals(403, gateway.session(id, other.get("ownerToken").asText()).status());
        assertEquals(403, gateway.endSession(id, Sessions.token(one, "alice")).status(), "only the owner ends a session");

        try (Participant alice = new Participant(gateway, id)) {
            alice.join(Sessions.token(one, "alice"), false);
            assertEquals(204, gateway.endSession(id, one.get("ownerToken").asText()).status());
            Participant.Closed closed = alice.awaitClose();
            assertEquals(4410, closed.code());
        }
        GatewayClient.Response gone = gateway.session(id, one.get("ownerToken").asText());
        assertEquals(404, gone.status());
        assertEquals("application/problem+json", gone.contentType());
    }
}
