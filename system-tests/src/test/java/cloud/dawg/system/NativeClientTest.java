package cloud.dawg.system;

import cloud.dawg.client.GatewayClient;
import cloud.dawg.client.NativeParticipant;
import cloud.dawg.proto.v1.BlockAudio;
import cloud.dawg.proto.v1.ParticipantRequest;
import cloud.dawg.proto.v1.ParticipantResponse;
import cloud.dawg.proto.v1.SessionJoined;
import cloud.dawg.proto.v1.SessionTrack;
import cloud.dawg.proto.v1.StripChange;
import cloud.dawg.proto.v1.StripChanged;
import cloud.dawg.proto.v1.TrackAudio;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static cloud.dawg.system.Sessions.BLOCK;
import static cloud.dawg.system.Sessions.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Native clients through the gateway's gRPC front door, alone and beside browsers in one session. */
class NativeClientTest {
    static LiveStack stack;
    static GatewayClient gateway;

    @BeforeAll
    static void start() throws Exception {
        stack = LiveStack.shared();
        gateway = stack.gateway();
    }

    @Test
    void shouldMixAnEightTrackSessionFromANativeClientExactlyAsTheOfflineRender(@TempDir Path dir) throws Exception {
        int blocks = 1500;
        int frames = blocks * BLOCK;
        Sessions.EightTracks tracks = Sessions.eightTracks(dir, frames);
        float[][][] audio = tracks.audio();
        int[] ids = tracks.ids();
        JsonNode created = Sessions.create(gateway, tracks.session());

        float[][] live = new float[2][frames];
        try (NativeClient alice = stack.nativeClient()) {
            SessionJoined joined = alice.join(created.get("id").asText(), Sessions.token(created, "alice"), false).getJoined();
            assertEquals("alice", joined.getParticipant());
            assertEquals("editor", joined.getRole());
            assertEquals(8, joined.getState().getTracksCount());
            assertEquals(Sessions.RATE, joined.getState().getSampleRate());
            int inFlight = 4;
            float[][] left = new float[8][], right = new float[8][];
            for (int b = 0; b < blocks; b++) {
                if (b >= inFlight) {
                    Sessions.copy(alice.awaitMaster(b - inFlight, Duration.ofSeconds(10)), live, b - inFlight);
                }
                for (int t = 0; t < 8; t++) {
                    left[t] = Arrays.copyOfRange(audio[t][0], b * BLOCK, (b + 1) * BLOCK);
                    right[t] = Arrays.copyOfRange(audio[t][1], b * BLOCK, (b + 1) * BLOCK);
                }
                alice.stream.audio(b, ids, left, right);
            }
            for (int b = blocks - inFlight; b < blocks; b++) {
                Sessions.copy(alice.awaitMaster(b, Duration.ofSeconds(10)), live, b);
            }
        }
        float[][] offline = Sessions.renderMix(Sessions.writeProject(dir, tracks.projectTracks(), frames), dir.resolve("out"), stack.backend, frames);
        assertArrayEquals(offline[0], live[0], "left channel of the live mix differs from the offline render");
        assertArrayEquals(offline[1], live[1], "right channel of the live mix differs from the offline render");
    }

    @Test
    void shouldShareParameterChangesAndTheMixBetweenNativeAndBrowserParticipants() throws Exception {
        ObjectNode session = Sessions.session(List.of(new String[]{"alice", "editor"}, new String[]{"bob", "editor"},
                new String[]{"carol", "listener"}));
        ((ArrayNode) session.get("tracks")).addObject().put("name", "drums").put("owner", "alice");
        ((ArrayNode) session.get("tracks")).addObject().put("name", "bass").put("owner", "bob");
        JsonNode created = Sessions.create(gateway, session);
        String id = created.get("id").asText();
        try (NativeClient alice = stack.nativeClient(); Participant bob = new Participant(gateway, id);
             NativeClient carol = stack.nativeClient()) {
            SessionTrack bass = alice.join(id, Sessions.token(created, "alice"), false).getJoined().getState().getTracks(1);
            assertEquals("bass", bass.getName());
            bob.join(Sessions.token(created, "bob"), false);
            carol.join(id, Sessions.token(created, "carol"), false);

            alice.stream.send(ParticipantRequest.newBuilder().setStrip(StripChange.newBuilder().setTrack("bass")
                    .setStrip(bass.getStrip().toBuilder().setGain(0.25))).build());
            JsonNode seenByBob = bob.next("strip");
            assertEquals("alice", seenByBob.get("by").asText());
            assertEquals(0.25, seenByBob.at("/strip/gain").asDouble());
            StripChanged seenByCarol = carol.next(ParticipantResponse.KindCase.STRIP_CHANGED).getStripChanged();
            assertEquals("bass", seenByCarol.getTrack());
            assertEquals(0.25, seenByCarol.getStrip().getGain());

            bob.socket.sendText("{\"type\":\"master\",\"strip\":{\"pan\":-0.5}}");
            StripChanged master = alice.next(ParticipantResponse.KindCase.MASTER_CHANGED).getMasterChanged();
            assertEquals("bob", master.getBy());
            assertEquals(-0.5, master.getStrip().getPan());

            carol.stream.send(ParticipantRequest.newBuilder().setStrip(StripChange.newBuilder().setTrack("bass")
                    .setStrip(bass.getStrip().toBuilder().setGain(2))).build());
            assertEquals("forbidden", carol.next(ParticipantResponse.KindCase.ERROR).getError().getCode());

            alice.stream.send(ParticipantRequest.newBuilder().setStrip(StripChange.newBuilder().setTrack("bass")
                    .setStrip(bass.getStrip().toBuilder().setGain(9))).build());
            var invalid = alice.next(ParticipantResponse.KindCase.ERROR).getError();
            assertEquals("invalid-parameter", invalid.getCode());
            assertTrue(invalid.getMessage().contains("gain"), invalid.getMessage());

            JsonNode state = gateway.session(id, created.get("ownerToken").asText()).body();
            assertEquals(0.25, state.at("/tracks/1/strip/gain").asDouble());
            assertEquals(-0.5, state.at("/master/strip/pan").asDouble());

            float[][] drums = Sessions.audio(0, 8 * BLOCK);
            for (int b = 0; b < 8; b++) {
                alice.stream.audio(b, new int[]{1}, new float[][]{Arrays.copyOfRange(drums[0], b * BLOCK, (b + 1) * BLOCK)},
                        new float[][]{Arrays.copyOfRange(drums[1], b * BLOCK, (b + 1) * BLOCK)});
            }
            for (long b = 0; b < 8; b++) {
                float[][] native_ = alice.awaitMaster(b, Duration.ofSeconds(10));
                float[][] browser = bob.awaitMaster(b, Duration.ofSeconds(10));
                float[][] listener = carol.awaitMaster(b, Duration.ofSeconds(10));
                assertArrayEquals(native_[0], browser[0], "block " + b + ": both transports carry the same mix");
                assertArrayEquals(native_[1], listener[1], "block " + b);
            }
        }
    }

    @Test
    void shouldEndANativeStreamWithAStatusNamingEachBadInput() throws Exception {
        ObjectNode s = Sessions.session(List.of(new String[]{"alice", "editor"}, new String[]{"lou", "listener"}));
        ((ArrayNode) s.get("tracks")).addObject().put("name", "a").put("owner", "alice");
        JsonNode created = Sessions.create(gateway, s);
        JsonNode other = Sessions.create(gateway, s);
        String id = created.get("id").asText();

        assertStatus(Status.Code.UNAUTHENTICATED, "token", c -> c.stream.join(id, "not-a-token", false));
        assertStatus(Status.Code.PERMISSION_DENIED, "another session", c -> c.stream.join(id, Sessions.token(other, "alice"), false));
        assertStatus(Status.Code.INVALID_ARGUMENT, "first request must be join", c -> c.stream.audio(0, new int[]{1},
                new float[1][BLOCK], new float[1][BLOCK]));
        assertStatus(Status.Code.PERMISSION_DENIED, "listeners cannot send audio", c -> {
            c.join(id, Sessions.token(created, "lou"), false);
            c.stream.audio(0, new int[]{1}, new float[1][BLOCK], new float[1][BLOCK]);
        });
        assertStatus(Status.Code.INVALID_ARGUMENT, "bytes", c -> {
            c.join(id, Sessions.token(created, "alice"), false);
            c.stream.send(ParticipantRequest.newBuilder().setAudio(BlockAudio.newBuilder().setSequence(0)
                    .addTracks(TrackAudio.newBuilder().setTrackId(1).setPcm(ByteString.copyFrom(new byte[8 * 100])))).build());
        });
        assertStatus(Status.Code.PERMISSION_DENIED, "no track 7", c -> {
            c.join(id, Sessions.token(created, "alice"), false);
            c.stream.audio(0, new int[]{7}, new float[1][BLOCK], new float[1][BLOCK]);
        });
        assertStatus(Status.Code.RESOURCE_EXHAUSTED, "above the limit", c -> {
            c.join(id, Sessions.token(created, "alice"), false);
            c.stream.send(ParticipantRequest.newBuilder().setAudio(BlockAudio.newBuilder()
                    .addTracks(TrackAudio.newBuilder().setTrackId(1).setPcm(ByteString.copyFrom(new byte[LiveStack.MAX_FRAME_BYTES + 1])))).build());
        });

        // the session survived all of the above: a good participant still gets its mix
        try (NativeClient alice = stack.nativeClient()) {
            alice.join(id, Sessions.token(created, "alice"), false);
            alice.stream.audio(0, new int[]{1}, new float[][]{Sessions.audio(0, BLOCK)[0]}, new float[][]{Sessions.audio(0, BLOCK)[1]});
            assertTrue(peak(alice.awaitMaster(0, Duration.ofSeconds(10))) > 0, "the mix of a good block is not silent");

            assertEquals(204, gateway.endSession(id, created.get("ownerToken").asText()).status());
            assertEquals(Status.Code.OK, alice.awaitClose().getCode(), "an ended session completes the stream normally");
            assertTrue(alice.control.stream().anyMatch(ParticipantResponse::hasEnded), "the client is told the session ended");
        }
        try (NativeClient late = stack.nativeClient()) {
            late.stream.join(id, Sessions.token(created, "alice"), false);
            Status status = late.awaitClose();
            assertEquals(Status.Code.NOT_FOUND, status.getCode(), String.valueOf(status));
        }
    }

    private interface Action {
        void on(NativeClient client) throws Exception;
    }

    private static void assertStatus(Status.Code code, String inDescription, Action action) throws Exception {
        try (NativeClient c = stack.nativeClient()) {
            action.on(c);
            Status status = c.awaitClose();
            assertEquals(code, status.getCode(), String.valueOf(status));
            assertTrue(String.valueOf(status.getDescription()).contains(inDescription), String.valueOf(status));
        }
    }

    private static float peak(float[][] lr) {
        float p = 0;
        for (float[] ch : lr) {
            for (float v : ch) {
                p = Math.max(p, Math.abs(v));
            }
        }
        return p;
    }
}
