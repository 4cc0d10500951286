package cloud.dawg.gateway.session;

import cloud.dawg.dsp.mix.MixEngine;
import cloud.dawg.dsp.strip.StripSettings;
import cloud.dawg.dsp.synth.InstrumentSettings;
import cloud.dawg.render.ProjectException;
import cloud.dawg.render.ProjectParser;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A session as created over REST: format, participants with their roles, tracks (audio or
 * instrument) with their owners and strips, and the master strip. Parsed strictly: every error
 * names its field path.
 */
public record SessionSpec(int sampleRate, int blockSize, int deadlineMicros, Map<String, Role> participants, List<Track> tracks,
                          StripSettings master) {
    public static final int MAX_TRACKS = 256;
    public static final int MAX_PARTICIPANTS = 64;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9 _.\\-]{0,63}");

    /** A track: its id on the wire (1-based, creation order), name, owner, strip and, for instrument tracks, the instrument. */
    public record Track(int id, String name, String owner, StripSettings strip, Optional<InstrumentSettings> instrument) {
    }

    public static SessionSpec parse(JsonNode root) throws ProjectException {
        if (root == null || !root.isObject()) {
            throw new ProjectException("session: must be a JSON object");
        }
        allowOnly(root, "session", "sampleRate", "blockSize", "deadlineMicros", "participants", "tracks", "master");
        int sampleRate = integer(root, "sampleRate", 48000, MixEngine.MIN_SAMPLE_RATE, MixEngine.MAX_SAMPLE_RATE);
        int blockSize = integer(root, "blockSize", 128, MixEngine.MIN_BLOCK, MixEngine.MAX_BLOCK);
        // how long a block waits for its missing tracks; 0 = one block duration
        int deadlineMicros = integer(root, "deadlineMicros", 0, 0, 1_000_000);

        Map<String, Role> participants = new LinkedHashMap<>();
        JsonNode list = root.get("participants");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new ProjectException("participants: is required, a list of {\"name\": ..., \"role\": \"editor\" | \"listener\"}");
        }
        if (list.size() > MAX_PARTICIPANTS) {
            throw new ProjectException("participants: holds " + list.size() + "; at most " + MAX_PARTICIPANTS);
        }
        for (int i = 0; i < list.size(); i++) {
            String at = "participants[" + i + "]";
            JsonNode p = list.get(i);
            if (!p.isObject()) {
                throw new ProjectException(at + ": must be an object");
            }
            allowOnly(p, at, "name", "role");
            String name = name(p, at);
            if (name.equals("owner")) {
                throw new ProjectException(at + ".name: 'owner' is reserved for the session's owner token");
            }
            Role role;
            try {
                role = Role.parse(text(p, at, "role", "editor"));
            } catch (IllegalArgumentException e) {
                throw new ProjectException(at + ".role: " + e.getMessage());
            }
            if (role == Role.OWNER) {
                throw new ProjectException(at + ".role: 'owner' is given by the owner token; use editor or listener");
            }
            if (participants.put(name, role) != null) {
                throw new ProjectException(at + ".name: '" + name + "' is used by another participant");
            }
        }

        List<Track> tracks = new ArrayList<>();
        JsonNode tracksNode = root.get("tracks");
        if (tracksNode == null || !tracksNode.isArray()) {
            throw new ProjectException("tracks: is required, a list of tracks (it may be empty)");
        }
        if (tracksNode.size() > MAX_TRACKS) {
            throw new ProjectException("tracks: holds " + tracksNode.size() + "; at most " + MAX_TRACKS);
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tracksNode.size(); i++) {
            String at = "tracks[" + i + "]";
            JsonNode t = tracksNode.get(i);
            if (!t.isObject()) {
                throw new ProjectException(at + ": must be an object");
            }
            allowOnly(t, at, "name", "owner", "strip", "instrument");
            String name = name(t, at);
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
                throw new ProjectException(at + ".name: '" + name + "' is used by another track");
            }
            String owner = text(t, at, "owner", null);
            if (owner == null) {
                throw new ProjectException(at + ".owner: is required (the participant who streams or plays it)");
            }
            Role role = participants.get(owner);
            if (role == null) {
                throw new ProjectException(at + ".owner: '" + owner + "' is not one of the participants");
            }
            if (!role.canEdit()) {
                throw new ProjectException(at + ".owner: '" + owner + "' is a listener; only editors own tracks");
            }
            StripSettings strip = t.has("strip") ? ProjectParser.strip(t.get("strip"), sampleRate, false, at + ".strip")
                    : StripSettings.DEFAULT;
            Optional<InstrumentSettings> instrument = t.has("instrument")
                    ? Optional.of(ProjectParser.instrument(t.get("instrument"), sampleRate, at + ".instrument"))
                    : Optional.empty();
            tracks.add(new Track(i + 1, name, owner, strip, instrument));
        }
        StripSettings master = StripSettings.DEFAULT;
        JsonNode m = root.get("master");
        if (m != null) {
            if (!m.isObject()) {
                throw new ProjectException("master: must be an object");
            }
            allowOnly(m, "master", "strip");
            if (m.has("strip")) {
                master = ProjectParser.strip(m.get("strip"), sampleRate, true, "master.strip");
            }
        }
        return new SessionSpec(sampleRate, blockSize, deadlineMicros, participants, tracks, master);
    }

    private static String name(JsonNode node, String at) throws ProjectException {
        String name = text(node, at, "name", null);
        if (name == null) {
            throw new ProjectException(at + ".name: is required");
        }
        if (!NAME.matcher(name).matches()) {
            throw new ProjectException(at + ".name: '" + name + "' must be 1..64 letters, digits, space, '.', '-', '_'");
        }
        return name;
    }

    private static String text(JsonNode node, String at, String field, String fallback) throws ProjectException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw new ProjectException(at + "." + field + ": must be a text, got " + v);
        }
        return v.asText();
    }

    private static int integer(JsonNode node, String field, int fallback, int min, int max) throws ProjectException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber()) {
            throw new ProjectException(field + ": must be a whole number, got " + v);
        }
        long value = v.asLong();
        if (value < min || value > max) {
            throw new ProjectException(field + ": " + value + " is outside " + min + ".." + max);
        }
        return (int) value;
    }

    private static void allowOnly(JsonNode node, String at, String... fields) throws ProjectException {
        Set<String> allowed = Set.of(fields);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new ProjectException(at + "." + f + ": unknown field (allowed here: " + String.join(", ", fields) + ")");
            }
        }
    }

    public Optional<Track> track(String name) {
        return tracks.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
