package cloud.dawg.render;

import cloud.dawg.dsp.mix.MixEngine;
import cloud.dawg.dsp.strip.CompressorSettings;
import cloud.dawg.dsp.strip.EqBand;
import cloud.dawg.dsp.strip.EqSettings;
import cloud.dawg.dsp.strip.InvalidParameterException;
import cloud.dawg.dsp.strip.StripSettings;
import cloud.dawg.dsp.synth.EnvelopeSettings;
import cloud.dawg.dsp.synth.FilterSettings;
import cloud.dawg.dsp.synth.InstrumentSettings;
import cloud.dawg.dsp.synth.OscillatorSettings;
import cloud.dawg.dsp.synth.Waveform;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a project file strictly: unknown fields, wrong types and out-of-range values are errors
 * that name the track and the field's path, e.g. {@code track 'drums': strip.eq.mid.q: 40.0 is
 * outside 0.1..18.0}. Omitted fields take the reference defaults.
 */
public final class ProjectParser {
    /** Track names become file names: letters, digits, space, dot, dash, underscore; not hidden. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9 _.\\-]{0,99}");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private ProjectParser() {
    }

    public static Project parse(Path projectFile) throws ProjectException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(projectFile));
        } catch (NoSuchFileException e) {
            throw new ProjectException(projectFile + ": no such project file");
        } catch (JsonProcessingException e) {
            throw new ProjectException(projectFile + ": not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() : ""));
        } catch (IOException e) {
            throw new ProjectException(projectFile + ": cannot read: " + e.getMessage(), e);
        }
        Path base = projectFile.toAbsolutePath().getParent();
        return parse(root, base);
    }

    public static Project parse(JsonNode root, Path base) throws ProjectException {
        Node project = new Node("", root, "project");
        project.requireObject();
        project.allowOnly("sampleRate", "blockSize", "tracks", "master", "lengthFrames");
        int sampleRate = (int) project.integer("sampleRate", 48000, MixEngine.MIN_SAMPLE_RATE, MixEngine.MAX_SAMPLE_RATE);
        int blockSize = (int) project.integer("blockSize", 128, MixEngine.MIN_BLOCK, MixEngine.MAX_BLOCK);
        OptionalLong length = project.has("lengthFrames")
                ? OptionalLong.of(project.integer("lengthFrames", 0, 1, Integer.MAX_VALUE)) : OptionalLong.empty();

        Node tracksNode = project.child("tracks");
        if (tracksNode.missing()) {
            throw project.error("tracks", "is required (a list of tracks)");
        }
        if (!tracksNode.json.isArray()) {
            throw tracksNode.error("", "must be a list of tracks");
        }
        if (tracksNode.json.isEmpty()) {
            throw tracksNode.error("", "must hold at least one track");
        }
        if (tracksNode.json.size() > MixEngine.MAX_CAPACITY) {
            throw tracksNode.error("", "holds " + tracksNode.json.size() + " tracks; at most " + MixEngine.MAX_CAPACITY);
        }
        List<Project.Track> tracks = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tracksNode.json.size(); i++) {
            Node t = new Node("", tracksNode.json.get(i), "tracks[" + i + "]");
            t.requireObject();
            Node nameNode = t.child("name");
            if (nameNode.missing() || !nameNode.json.isTextual()) {
                throw t.error("name", "is required, a text");
            }
            String name = nameNode.json.asText();
            if (!SAFE_NAME.matcher(name).matches() || name.endsWith(".")) {
                throw t.error("name", "'" + name + "' cannot be a file name: use letters, digits, space, '.', '-', '_' (1..100, not starting with '.' or ' ')");
            }
            if (name.equalsIgnoreCase("mix")) {
                throw t.error("name", "'mix' is reserved for the master output mix.wav");
            }
            if (!names.add(name.toLowerCase(Locale.ROOT))) {
                throw t.error("name", "'" + name + "' is used by another track (names are compared ignoring case)");
            }
            Node track = new Node("", t.json, "track '" + name + "'");
            track.allowOnly("name", "source", "strip");
            Node source = track.child("source");
            if (source.missing()) {
                throw track.error("source", "is required, e.g. {\"file\": \"drums.wav\"}");
            }
            source.requireObject();
            source.allowOnly("file", "midi", "instrument");
            StripSettings strip = strip(track.child("strip"), sampleRate, false);
            if (source.has("midi")) {
                if (source.has("file")) {
                    throw source.error("", "give either file (audio) or midi with an instrument, not both");
                }
                Path midi = base.resolve(path(source, "midi", "a path to a Standard MIDI File")).normalize();
                tracks.add(Project.Track.instrument(name, midi, instrument(source.child("instrument"), sampleRate), strip));
            } else {
                if (source.has("instrument")) {
                    throw source.error("instrument", "belongs with midi: an audio file plays as it is");
                }
                Path file = base.resolve(path(source, "file", "a path to a WAV file (or give midi and instrument)")).normalize();
                tracks.add(Project.Track.audio(name, file, strip));
            }
        }
        StripSettings master = StripSettings.DEFAULT;
        Node masterNode = project.child("master");
        if (!masterNode.missing()) {
            masterNode.requireObject();
            masterNode.allowOnly("strip");
            master = strip(masterNode.child("strip"), sampleRate, true);
        }
        return new Project(sampleRate, blockSize, tracks, master, length);
    }

    /**
     * A strip in the project format (missing fields take their defaults), for other front ends
     * such as the gateway's live sessions. Errors read {@code "<owner>: <field path>: <problem>"}.
     */
    public static StripSettings strip(JsonNode json, int sampleRate, boolean master, String owner) throws ProjectException {
        try {
            return strip(new Node("", json, owner), sampleRate, master);
        } catch (Unchecked e) {
            throw e.cause;
        }
    }

    /** An instrument in the project format; see {@link #strip(JsonNode, int, boolean, String)}. */
    public static InstrumentSettings instrument(JsonNode json, int sampleRate, String owner) throws ProjectException {
        try {
            return instrument(new Node("", json, owner), sampleRate);
        } catch (Unchecked e) {
            throw e.cause;
        }
    }

    private static String path(Node source, String field, String what) throws ProjectException {
        Node n = source.child(field);
        if (n.missing() || !n.json.isTextual() || n.json.asText().isBlank()) {
            throw source.error(field, "is required, " + what);
        }
        return n.json.asText();
    }

    private static InstrumentSettings instrument(Node i, int sampleRate) throws ProjectException {
        if (i.missing()) {
            return InstrumentSettings.DEFAULT;
        }
        i.requireObject();
        i.allowOnly("oscillators", "envelope", "filter", "gain", "maxVoices");
        InstrumentSettings d = InstrumentSettings.DEFAULT;
        List<OscillatorSettings> oscillators = d.oscillators();
        Node list = i.child("oscillators");
        if (!list.missing()) {
            if (!list.json.isArray() || list.json.isEmpty() || list.json.size() > 2) {
                throw list.error("", "must be a list of one or two oscillators");
            }
            oscillators = new ArrayList<>();
            for (int k = 0; k < list.json.size(); k++) {
                Node o = new Node(list.path + "[" + k + "]", list.json.get(k), list.owner);
                o.requireObject();
                o.allowOnly("wave", "detuneCents", "level");
                Waveform wave = OscillatorSettings.DEFAULT.wave();
                Node w = o.child("wave");
                if (!w.missing()) {
                    try {
                        wave = Waveform.valueOf(w.json.asText().toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw w.error("", "'" + w.json.asText() + "' is not one of sine, saw, square, triangle");
                    }
                }
                Waveform chosen = wave;
                oscillators.add(o.build(() -> new OscillatorSettings(chosen, o.number("detuneCents", 0), o.number("level", 1))));
            }
        }
        EnvelopeSettings envelope = d.envelope();
        Node e = i.child("envelope");
        if (!e.missing()) {
            e.requireObject();
            e.allowOnly("attack", "decay", "sustain", "release");
            EnvelopeSettings de = d.envelope();
            envelope = e.build(() -> new EnvelopeSettings(e.number("attack", de.attack()), e.number("decay", de.decay()),
                    e.number("sustain", de.sustain()), e.number("release", de.release())));
        }
        FilterSettings filter = d.filter();
        Node f = i.child("filter");
        if (!f.missing()) {
            f.requireObject();
            f.allowOnly("active", "cutoffHz", "q");
            FilterSettings df = d.filter();
            filter = f.build(() -> new FilterSettings(f.bool("active", false), f.number("cutoffHz", df.cutoffHz()), f.number("q", df.q())));
        }
        long voices = i.integer("maxVoices", d.maxVoices(), 1, InstrumentSettings.MAX_VOICES);
        List<OscillatorSettings> oscs = oscillators;
        EnvelopeSettings env = envelope;
        FilterSettings filt = filter;
        InstrumentSettings built = i.build(() -> new InstrumentSettings(oscs, env, filt, i.number("gain", 1), (int) voices));
        return i.build(() -> built.validateFor(sampleRate));
    }

    private static StripSettings strip(Node s, int sampleRate, boolean master) throws ProjectException {
        if (s.missing()) {
            return StripSettings.DEFAULT;
        }
        s.requireObject();
        if (master) {
            s.allowOnly("eq", "comp", "gain", "pan", "mono");
        } else {
            s.allowOnly("eq", "comp", "gain", "pan", "mono", "mute", "solo");
        }
        EqSettings eq = EqSettings.DEFAULT;
        Node eqNode = s.child("eq");
        if (!eqNode.missing()) {
            eqNode.requireObject();
            eqNode.allowOnly("active", "low", "mid", "high");
            eq = new EqSettings(eqNode.bool("active", false),
                    band(eqNode.child("low"), EqSettings.DEFAULT.low(), false),
                    band(eqNode.child("mid"), EqSettings.DEFAULT.mid(), true),
                    band(eqNode.child("high"), EqSettings.DEFAULT.high(), false));
        }
        CompressorSettings comp = CompressorSettings.DEFAULT;
        Node compNode = s.child("comp");
        if (!compNode.missing()) {
            compNode.requireObject();
            compNode.allowOnly("active", "thresholdDb", "ratio");
            comp = compNode.build(() -> new CompressorSettings(compNode.bool("active", false),
                    compNode.number("thresholdDb", CompressorSettings.DEFAULT.thresholdDb()),
                    compNode.number("ratio", CompressorSettings.DEFAULT.ratio())));
        }
        EqSettings finalEq = eq;
        CompressorSettings finalComp = comp;
        StripSettings strip = s.build(() -> new StripSettings(finalEq, finalComp, s.number("gain", 1), s.number("pan", 0),
                s.bool("mono", false), s.bool("mute", false), s.bool("solo", false)));
        return s.build(() -> strip.validateFor(sampleRate));
    }

    private static EqBand band(Node b, EqBand defaults, boolean peaking) throws ProjectException {
        if (b.missing()) {
            return defaults;
        }
        b.requireObject();
        if (peaking) {
            b.allowOnly("freq", "gainDb", "q");
        } else {
            b.allowOnly("freq", "gainDb");
        }
        return b.build(() -> new EqBand(b.number("freq", defaults.freq()), b.number("gainDb", defaults.gainDb()),
                peaking ? b.number("q", defaults.q()) : defaults.q()));
    }

    /** A JSON value with its path, so every error can say where it is. */
    private static final class Node {
        final String path;
        final JsonNode json;
        final String owner;

        Node(String path, JsonNode json, String owner) {
            this.path = path;
            this.json = json;
            this.owner = owner;
        }

        boolean missing() {
            return json == null || json.isMissingNode() || json.isNull();
        }

        boolean has(String field) {
            return !child(field).missing();
        }

        Node child(String field) {
            return new Node(path.isEmpty() ? field : path + "." + field, json == null ? null : json.get(field), owner);
        }

        ProjectException error(String field, String problem) {
            String where = path.isEmpty() ? field : field.isEmpty() ? path : path + "." + field;
            return new ProjectException(owner + ": " + (where.isEmpty() ? "" : where + ": ") + problem);
        }

        void requireObject() throws ProjectException {
            if (!json.isObject()) {
                throw error("", "must be an object");
            }
        }

        void allowOnly(String... fields) throws ProjectException {
            Set<String> allowed = Set.of(fields);
            for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!allowed.contains(f)) {
                    throw error(f, "unknown field (allowed here: " + String.join(", ", fields) + ")");
                }
            }
        }

        double number(String field, double fallback) {
            Node n = child(field);
            if (n.missing()) {
                return fallback;
            }
            if (!n.json.isNumber()) {
                throw new Unchecked(n.error("", "must be a number, got " + n.json));
            }
            return n.json.doubleValue();
        }

        long integer(String field, long fallback, long min, long max) throws ProjectException {
            Node n = child(field);
            if (n.missing()) {
                return fallback;
            }
            if (!n.json.isIntegralNumber() && !(n.json.isNumber() && n.json.decimalValue().stripTrailingZeros().scale() <= 0)) {
                throw n.error("", "must be a whole number, got " + n.json);
            }
            long v = n.json.asLong();
            if (v < min || v > max) {
                throw n.error("", v + " is outside " + min + ".." + max);
            }
            return v;
        }

        boolean bool(String field, boolean fallback) {
            Node n = child(field);
            if (n.missing()) {
                return fallback;
            }
            if (!n.json.isBoolean()) {
                throw new Unchecked(n.error("", "must be true or false, got " + n.json));
            }
            return n.json.booleanValue();
        }

        /** Builds a value whose constructor validates, turning its complaint into one with this node's path. */
        <T> T build(java.util.function.Supplier<T> factory) throws ProjectException {
            try {
                return factory.get();
            } catch (Unchecked e) {
                throw e.cause;
            } catch (InvalidParameterException e) {
                // the settings records name fields relative to themselves: prefix this node's path
                throw error(e.field(), e.getMessage().substring(e.field().length() + 2));
            }
        }
    }

    private static final class Unchecked extends RuntimeException {
        final ProjectException cause;

        Unchecked(ProjectException cause) {
            super(cause.getMessage(), null, false, false);
            this.cause = cause;
        }
    }
}
