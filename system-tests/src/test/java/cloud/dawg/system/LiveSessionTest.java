package cloud.dawg.system;

import cloud.dawg.client.GatewayClient;
import cloud.dawg.client.ParticipantSocket;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static cloud.dawg.system.Sessions.BLOCK;
import static cloud.dawg.system.Sessions.JSON;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Live sessions through the gateway's WebSocket, checked against offline renders of the same input. */
class LiveSessionTest {
    static LiveStack stack;
    static GatewayClient gateway;

    @BeforeAll
    static void start() throws Exception {
        stack = LiveStack.shared();
        gateway = stack.gateway();
    }

    @Test
    void shouldMixAnEightTrackSessionStreamedForTenSecondsExactlyAsTheOfflineRender(@TempDir Path dir) throws Exception {
        int blocks = 3750; // 10 s at 48 kHz
        int frames = blocks * BLOCK;
        Sessions.EightTracks tracks = Sessions.eightTracks(dir, frames);
        float[][][] audio = tracks.audio();
        int[] ids = tracks.ids();
        JsonNode created = Sessions.create(gateway, tracks.session());
        assertEquals(stack.backend, created.get("backend").asText());

        float[][] live;
        try (Participant alice = new Participant(gateway, created.get("id").asText())) {
            alice.join(Sessions.token(created, "alice"), false);
            live = Sessions.stream(alice, ids, audio, blocks, 4);
        }
        float[][] offline = Sessions.renderMix(Sessions.writeProject(dir, tracks.projectTracks(), frames), dir.resolve("out"), stack.backend, frames);
        assertArrayEquals(offline[0], live[0], "left channel of the live mix differs from the offline render");
        assertArrayEquals(offline[1], live[1], "right channel of the live mix differs from the offline render");
        assertTrue(peak(live) > 0.1, "the mix is not silent");
    }

    @Test
    void shouldShowEveryParticipantTheOthersParameterChangesAndRefuseListeners() throws Exception {
        ObjectNode session = Sessions.session(List.of(new String[]{"alice", "editor"}, new String[]{"bob", "editor"},
                new String[]{"carol", "listener"}));
        ((ArrayNode) session.get("tracks")).addObject().put("name", "drums").put("owner", "alice");
        ((ArrayNode) session.get("tracks")).addObject().put("name", "bass").put("owner", "bob");
        JsonNode created = Sessions.create(gateway, session);
        String id = created.get("id").asText();
        try (Participant alice = new Participant(gateway, id); Participant bob = new Participant(gateway, id);
             Participant carol = new Participant(gateway, id)) {
            alice.join(Sessions.token(created, "alice"), false);
            bob.join(Sessions.token(created, "bob"), false);
            carol.join(Sessions.token(created, "carol"), false);

            alice.socket.sendText("{\"type\":\"strip\",\"track\":\"bass\",\"strip\":{\"gain\":0.25,\"eq\":{\"mid\":{\"gainDb\":6}}}}");
            JsonNode seenByBob = bob.next("strip");
            assertEquals("alice", seenByBob.get("by").asText());
            assertEquals("bass", seenByBob.get("track").asText());
            assertEquals(0.25, seenByBob.at("/strip/gain").asDouble());
            assertEquals(6.0, seenByBob.at("/strip/eq/mid/gainDb").asDouble());
            assertEquals(1000.0, seenByBob.at("/strip/eq/mid/freq").asDouble(), "fields not in the patch keep their values");
            assertEquals(0.25, carol.next("strip").at("/strip/gain").asDouble(), "listeners see changes too");

            bob.socket.sendText("{\"type\":\"master\",\"strip\":{\"pan\":-0.5}}");
            JsonNode seenByAlice = alice.next("master");
            assertEquals("bob", seenByAlice.get("by").asText());
            assertEquals(-0.5, seenByAlice.at("/strip/pan").asDouble());

            carol.socket.sendText("{\"type\":\"strip\",\"track\":\"drums\",\"strip\":{\"gain\":2}}");
            JsonNode refused = carol.next("error");
            assertEquals("forbidden", refused.get("code").asText());

            alice.socket.sendText("{\"type\":\"strip\",\"track\":\"drums\",\"strip\":{\"gain\":9}}");
            JsonNode invalid = alice.next("error");
            assertEquals("invalid-parameter", invalid.get("code").asText());
            assertTrue(invalid.get("message").asText().contains("gain"), invalid.toString());

            JsonNode state = gateway.session(id, created.get("ownerToken").asText()).body();
            assertEquals(0.25, state.at("/tracks/1/strip/gain").asDouble());
            assertEquals(1.0, state.at("/tracks/0/strip/gain").asDouble(), "refused changes changed nothing");
            assertEquals(-0.5, state.at("/master/strip/pan").asDouble());
        }
    }

    @Test
    void shouldLeaveExactlyTheParticipantsOwnTracksOutOfTheirMonitorMix(@TempDir Path dir) throws Exception {
        int blocks = 400;
        int frames = blocks * BLOCK;
        ObjectNode session = Sessions.session(List.of(new String[]{"alice", "editor"}, new String[]{"bob", "editor"}));
        session.put("deadlineMicros", 500_000); // two senders on a busy test machine: wait for both, whatever the jitter
        ArrayNode aliceOnly = JSON.createArrayNode();
        float[][][] audio = new float[8][][];
        for (int t = 0; t < 8; t++) {
            audio[t] = Sessions.audio(t, frames);
            String owner = t < 4 ? "alice" : "bob";
            ((ArrayNode) session.get("tracks")).addObject().put("name", "t" + t).put("owner", owner).set("strip", Sessions.strip(t));
            if (t < 4) {
                Path wav = dir.resolve("t" + t + ".wav");
                Sessions.writeWav(wav, audio[t]);
                aliceOnly.add(Sessions.projectTrack("t" + t, wav, Sessions.strip(t)));
            }
        }
        JsonNode created = Sessions.create(gateway, session);
        String id = created.get("id").asText();
        float[][] monitor = new float[2][frames];
        try (Participant alice = new Participant(gateway, id); Participant bob = new Participant(gateway, id)) {
            alice.join(Sessions.token(created, "alice"), false);
            bob.join(Sessions.token(created, "bob"), true);
            for (int b = 0; b < blocks; b++) {
                if (b >= 4) {
                    bob.awaitMaster(b - 4, Duration.ofSeconds(10));
                }
                alice.socket.sendBinary(frame(b, new int[]{1, 2, 3, 4}, audio, 0));
                bob.socket.sendBinary(frame(b, new int[]{5, 6, 7, 8}, audio, 4));
            }
            bob.awaitMaster(blocks - 1, Duration.ofSeconds(10));
            Thread.sleep(200);
            for (long b = 0; b < blocks; b++) {
                float[][] m = bob.monitor.get(b);
                if (m == null) {
                    throw new AssertionError("bob got no monitor mix for block " + b);
                }
                Sessions.copy(m, monitor, b);
            }
            assertTrue(alice.monitor.isEmpty(), "alice did not ask for a monitor mix");
        }
        float[][] expected = Sessions.renderMix(Sessions.writeProject(dir, aliceOnly, frames), dir.resolve("out"), stack.backend, frames);
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < frames; i++) {
                assertEquals(expected[c][i], monitor[c][i], 1e-6, "monitor mix channel " + c + " frame " + i);
            }
        }
    }

    private static byte[] frame(int block, int[] ids, float[][][] audio, int first) {
        float[][] l = new float[ids.length][], r = new float[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            l[i] = java.util.Arrays.copyOfRange(audio[first + i][0], block * BLOCK, (block + 1) * BLOCK);
            r[i] = java.util.Arrays.copyOfRange(audio[first + i][1], block * BLOCK, (block + 1) * BLOCK);
        }
        return ParticipantSocket.audioFrame(block, BLOCK, ids, l, r);
    }

    /** MIDI at 120 bpm and 480 ticks per quarter: a tick is exactly 50 frames at 48 kHz. */
    private static final int[][] NOTES = { // tick, status (0x90 on / 0x80 off / 0xB0 pedal), data1, data2
            {0, 0x90, 60, 100}, {7, 0x90, 64, 90}, {40, 0x80, 60, 0}, {50, 0xB0, 64, 127}, {60, 0x80, 64, 0},
            {100, 0xB0, 64, 0}, {110, 0x90, 67, 110}, {150, 0x80, 67, 0}};

    @Test
    void shouldPlayAnInstrumentTrackLiveExactlyAsItsOfflineRender(@TempDir Path dir) throws Exception {
        int blocks = 80;
        int frames = blocks * BLOCK;
        ObjectNode instrument = JSON.createObjectNode().put("gain", 0.8).put("maxVoices", 8);
        instrument.putArray("oscillators").add(JSON.createObjectNode().put("wave", "saw"))
                .add(JSON.createObjectNode().put("wave", "square").put("detuneCents", 7).put("level", 0.5));
        instrument.putObject("envelope").put("attack", 0.01).put("decay", 0.05).put("sustain", 0.6).put("release", 0.08);
        instrument.putObject("filter").put("active", true).put("cutoffHz", 2500).put("q", 2);

        Sequence sequence = new Sequence(Sequence.PPQ, 480);
        Track track = sequence.createTrack();
        track.add(new MidiEvent(new MetaMessage(0x51, new byte[]{0x07, (byte) 0xA1, 0x20}, 3), 0));
        for (int[] n : NOTES) {
            track.add(new MidiEvent(new ShortMessage(n[1], 0, n[2], n[3]), n[0]));
        }
        Path midi = dir.resolve("keys.mid");
        MidiSystem.write(sequence, 0, midi.toFile());
        ArrayNode projectTracks = JSON.createArrayNode();
        ObjectNode pt = projectTracks.addObject().put("name", "keys");
        pt.putObject("source").put("midi", midi.toString()).set("instrument", instrument);
        pt.set("strip", Sessions.strip(1));

        ObjectNode session = Sessions.session(List.<String[]>of(new String[]{"alice", "editor"}));
        ObjectNode st = ((ArrayNode) session.get("tracks")).addObject().put("name", "keys").put("owner", "alice");
        st.set("instrument", instrument);
        st.set("strip", Sessions.strip(1));
        JsonNode created = Sessions.create(gateway, session);
        assertEquals("instrument", created.at("/tracks/0/kind").asText());

        float[][] live = new float[2][frames];
        try (Participant alice = new Participant(gateway, created.get("id").asText())) {
            alice.join(Sessions.token(created, "alice"), false);
            for (int b = 0; b < blocks; b++) {
                ArrayNode events = JSON.createArrayNode();
                for (int[] n : NOTES) {
                    int frame = n[0] * 50;
                    if (frame / BLOCK == b) {
                        ObjectNode e = events.addObject().put("frame", frame % BLOCK);
                        switch (n[1]) {
                            case 0x90 -> e.put("noteOn", n[2]).put("velocity", n[3]);
                            case 0x80 -> e.put("noteOff", n[2]);
                            default -> e.put("sustain", n[3] >= 64);
                        }
                    }
                }
                if (!events.isEmpty()) {
                    ObjectNode notes = JSON.createObjectNode().put("type", "notes").put("track", "keys").put("sequence", b);
                    notes.set("events", events);
                    alice.socket.sendText(notes.toString());
                }
                if (b >= 4) {
                    Sessions.copy(alice.awaitMaster(b - 4, Duration.ofSeconds(10)), live, b - 4);
                }
                alice.socket.sendBinary(ParticipantSocket.audioFrame(b, BLOCK, new int[0], new float[0][], new float[0][]));
            }
            for (int b = blocks - 4; b < blocks; b++) {
                Sessions.copy(alice.awaitMaster(b, Duration.ofSeconds(10)), live, b);
            }
        }
        float[][] offline = Sessions.renderMix(Sessions.writeProject(dir, projectTracks, frames), dir.resolve("out"), stack.backend, frames);
        assertTrue(peak(offline) > 0.05, "the offline render is not silent");
        assertArrayEquals(offline[0], live[0], "the live instrument differs from its offline render (left)");
        assertArrayEquals(offline[1], live[1], "the live instrument differs from its offline render (right)");
    }

    @Test
    void shouldExportEveryDocumentedMetricWithSaneValuesAfterASession(@TempDir Path dir) throws Exception {
        shouldMixAnEightTrackSessionStreamedForTenSecondsExactlyAsTheOfflineRender(dir);
        String mix = stack.mixHttp().getText("/actuator/prometheus");
        for (String name : List.of("dawg_block_processing_seconds_bucket", "dawg_block_processing_seconds_count",
                "dawg_block_cpu_seconds_count", "dawg_realtime_load", "dawg_blocks_late_total", "dawg_blocks_dropped_total",
                "dawg_samples_sanitised_total", "dawg_sessions_active", "dawg_tracks_active", "dawg_backend_info",
                "dawg_capacity", "dawg_usable_cores", "dawg_blocks_processed_total")) {
            assertTrue(mix.contains(name), "mix-service exports " + name);
        }
        assertTrue(Sessions.metric(mix, "dawg_blocks_processed_total") >= 3750, "blocks processed");
        assertTrue(Sessions.metric(mix, "dawg_block_processing_seconds_count") >= 3750, "processing timer count");
        assertTrue(Sessions.metric(mix, "grpc_server_requests_received_messages_total") >= 3750, "gRPC's message counter counts every block's request");
        assertTrue(Sessions.metric(mix, "grpc_server_responses_sent_messages_total") >= 3750, "gRPC's message counter counts every mixed block");
        double meanSeconds = Sessions.metric(mix, "dawg_block_processing_seconds_sum") / Sessions.metric(mix, "dawg_block_processing_seconds_count");
        assertTrue(meanSeconds > 0 && meanSeconds < 0.00267, "a block takes less than its own duration on average: " + meanSeconds);
        assertEquals(LiveStack.MIX_CAPACITY, Sessions.metric(mix, "dawg_capacity"));
        assertTrue(mix.contains("backend=\"" + stack.backend + "\""), "the backend tag");
        assertTrue(mix.contains("le=\"0.002666667\""), "a histogram bucket at the block budget");
        assertTrue(mix.lines().filter(l -> !l.startsWith("#")).noneMatch(l -> l.contains("session=") || l.contains("track=")),
                "no session or track ids in tags");

        String synth = stack.synthHttp().getText("/actuator/prometheus");
        for (String name : List.of("dawg_voices_active", "dawg_voices_pooled", "dawg_realtime_load", "dawg_block_processing_seconds_count")) {
            assertTrue(synth.contains(name), "synth-service exports " + name);
        }
        String gw = gateway.getText("/actuator/prometheus");
        assertTrue(gw.contains("dawg_gateway_sessions_active"), "gateway exports its sessions");
        for (String reason : List.of("participant-slow", "mix-service-slow")) {
            assertTrue(gw.contains("reason=\"" + reason + "\""), "gateway exports its drops for " + reason);
        }
    }

    private static double peak(float[][] lr) {
        double p = 0;
        for (float[] c : lr) {
            for (float v : c) {
                p = Math.max(p, Math.abs(v));
            }
        }
        return p;
    }
}
