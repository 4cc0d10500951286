package cloud.dawg.system;

import cloud.dawg.client.GatewayClient;
import cloud.dawg.client.ParticipantSocket;
import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.render.OfflineRenderer;
import cloud.dawg.render.ProjectParser;
import cloud.dawg.render.WavSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Building sessions and their offline twins for the system tests. */
final class Sessions {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int RATE = 48000, BLOCK = 128;

    private Sessions() {
    }

    /** Stereo test audio of a track: noise and a tone, quantised to 16 bits so a WAV holds exactly these floats. */
    static float[][] audio(int track, int frames) {
        SplittableRandom random = new SplittableRandom(1000 + track);
        float[][] lr = new float[2][frames];
        double f = 55.0 * (track + 1) * 1.5;
        for (int i = 0; i < frames; i++) {
            double tone = 0.3 * Math.sin(2 * Math.PI * f * i / RATE);
            double burst = (i / 4800) % 3 == track % 3 ? 0.4 : 0.05;
            lr[0][i] = quantise(tone + burst * (random.nextDouble() * 2 - 1));
            lr[1][i] = quantise(0.8 * tone + burst * (random.nextDouble() * 2 - 1));
        }
        return lr;
    }

    private static float quantise(double v) {
        return Math.round(Math.max(-1, Math.min(32767 / 32768.0, v)) * 32768) / 32768f;
    }

    /** A strip that exercises every stage, different per track. */
    static ObjectNode strip(int track) {
        ObjectNode s = JSON.createObjectNode();
        ObjectNode eq = s.putObject("eq").put("active", track % 4 != 3);
        eq.putObject("low").put("freq", 80 + 20 * track).put("gainDb", -6 + track);
        eq.putObject("mid").put("freq", 600 + 150 * track).put("gainDb", 4 - track).put("q", 0.7 + 0.3 * track);
        eq.putObject("high").put("freq", 6000 + 500 * track).put("gainDb", track % 2 == 0 ? 3 : -3);
        s.putObject("comp").put("active", track % 3 != 2).put("thresholdDb", -24 + 2 * track).put("ratio", 2 + track);
        s.put("gain", 0.5 + 0.1 * track).put("pan", -0.8 + 0.2 * track).put("mono", track == 5);
        return s;
    }

    static ObjectNode masterStrip() {
        ObjectNode s = JSON.createObjectNode();
        s.putObject("comp").put("active", true).put("thresholdDb", -10).put("ratio", 3);
        s.put("gain", 0.9);
        return s;
    }

    static void writeWav(Path file, float[][] lr) throws Exception {
        int frames = lr[0].length;
        ByteBuffer b = ByteBuffer.allocate(frames * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            b.putShort((short) Math.round(lr[0][i] * 32768)).putShort((short) Math.round(lr[1][i] * 32768));
        }
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(b.array()),
                new AudioFormat(RATE, 16, 2, true, false), frames)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, file.toFile());
        }
    }

    /** Renders a project file offline on a backend and returns its mix. */
    static float[][] renderMix(Path project, Path out, String backend, int frames) throws Exception {
        OfflineRenderer.render(ProjectParser.parse(project), out, Backends.byName(backend), OfflineRenderer.Progress.NONE);
        try (WavSource mix = WavSource.open(out.resolve("mix.wav"), "mix", frames)) {
            float[][] lr = new float[2][frames];
            mix.read(lr[0], lr[1], frames);
            return lr;
        }
    }

    /** Creates a session and returns the created answer (asserting 201). */
    /**
     * One editor, alice, owning 8 tracks of {@link #audio} with {@link #strip} settings: the session
     * request, the same tracks as a project (WAVs written to {@code dir}) and the audio to stream.
     */
    record EightTracks(ObjectNode session, ArrayNode projectTracks, float[][][] audio, int[] ids) {
    }

    static EightTracks eightTracks(Path dir, int frames) throws Exception {
        ObjectNode session = session(List.<String[]>of(new String[]{"alice", "editor"}));
        ArrayNode projectTracks = JSON.createArrayNode();
        float[][][] audio = new float[8][][];
        int[] ids = new int[8];
        for (int t = 0; t < 8; t++) {
            audio[t] = audio(t, frames);
            Path wav = dir.resolve("t" + t + ".wav");
            writeWav(wav, audio[t]);
            ((ArrayNode) session.get("tracks")).addObject().put("name", "t" + t).put("owner", "alice").set("strip", strip(t));
            projectTracks.add(projectTrack("t" + t, wav, strip(t)));
            ids[t] = t + 1;
        }
        return new EightTracks(session, projectTracks, audio, ids);
    }

    static JsonNode create(GatewayClient gateway, ObjectNode session) throws Exception {
        GatewayClient.Response r = gateway.createSession(session.toString());
        assertEquals(201, r.status(), () -> "create failed: " + r.body());
        return r.body();
    }

    static String token(JsonNode created, String participant) {
        for (JsonNode p : created.get("participants")) {
            if (p.get("name").asText().equals(participant)) {
                return p.get("token").asText();
            }
        }
        throw new AssertionError("no participant " + participant);
    }

    static ObjectNode session(List<String[]> participants) {
        ObjectNode s = JSON.createObjectNode().put("sampleRate", RATE).put("blockSize", BLOCK);
        ArrayNode ps = s.putArray("participants");
        for (String[] p : participants) {
            ps.addObject().put("name", p[0]).put("role", p[1]);
        }
        s.putArray("tracks");
        s.putObject("master").set("strip", masterStrip());
        return s;
    }

    /**
     * Streams blocks of the given tracks from one participant, keeping at most {@code inFlight}
     * blocks ahead of the mix that comes back, and returns the received master, concatenated.
     */
    static float[][] stream(Participant p, int[] trackIds, float[][][] audio, int blocks, int inFlight) throws Exception {
        float[][] mix = new float[2][blocks * BLOCK];
        float[][] left = new float[trackIds.length][], right = new float[trackIds.length][];
        for (int b = 0; b < blocks; b++) {
            if (b >= inFlight) {
                copy(p.awaitMaster(b - inFlight, Duration.ofSeconds(10)), mix, b - inFlight);
            }
            for (int t = 0; t < trackIds.length; t++) {
                left[t] = java.util.Arrays.copyOfRange(audio[t][0], b * BLOCK, (b + 1) * BLOCK);
                right[t] = java.util.Arrays.copyOfRange(audio[t][1], b * BLOCK, (b + 1) * BLOCK);
            }
            p.socket.sendBinary(ParticipantSocket.audioFrame(b, BLOCK, trackIds, left, right));
        }
        for (int b = Math.max(0, blocks - inFlight); b < blocks; b++) {
            copy(p.awaitMaster(b, Duration.ofSeconds(10)), mix, b);
        }
        return mix;
    }

    /** Waits for a block of a mix to arrive in {@code received}; {@code closed} describes the connection if it ended. */
    static float[][] awaitBlock(java.util.Map<Long, float[][]> received, long sequence, Duration timeout,
                                java.util.function.Supplier<String> closed) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (!received.containsKey(sequence)) {
            if (System.nanoTime() > until) {
                throw new AssertionError("no master mix for block " + sequence + " within " + timeout + closed.get());
            }
            Thread.sleep(0, 200_000);
        }
        return received.get(sequence);
    }

    static void copy(float[][] block, float[][] into, long sequence) {
        System.arraycopy(block[0], 0, into[0], (int) sequence * BLOCK, BLOCK);
        System.arraycopy(block[1], 0, into[1], (int) sequence * BLOCK, BLOCK);
    }

    static ObjectNode projectTrack(String name, Path wav, ObjectNode strip) {
        ObjectNode t = JSON.createObjectNode().put("name", name);
        t.putObject("source").put("file", wav.toString());
        t.set("strip", strip);
        return t;
    }

    static Path writeProject(Path dir, ArrayNode tracks, int frames) throws Exception {
        ObjectNode project = JSON.createObjectNode().put("sampleRate", RATE).put("blockSize", BLOCK).put("lengthFrames", frames);
        project.set("tracks", tracks);
        project.putObject("master").set("strip", masterStrip());
        Path file = dir.resolve("project.json");
        Files.writeString(file, project.toPrettyString());
        return file;
    }

    /** The sum of a Prometheus metric's samples over all its tags; fails when there is none. */
    static double metric(String prometheus, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + "\\{[^}]*} ([0-9.eE+-]+)$").matcher(prometheus);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            found = true;
        }
        if (!found) {
            throw new AssertionError("no sample of " + name);
        }
        return sum;
    }
}
