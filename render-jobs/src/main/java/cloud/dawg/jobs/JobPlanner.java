package cloud.dawg.jobs;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.render.Project;
import cloud.dawg.render.ProjectException;
import cloud.dawg.render.ProjectParser;
import cloud.dawg.render.TrackInput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Turns a submitted project into a {@link JobPlan}, validating it as fully as {@code dawg render}
 * does before anything is rendered: the project format, every file reference, every source's
 * format and sample rate, and every MIDI file. Output ids hash what determines each output.
 */
public final class JobPlanner {
    /**
     * Part of every output id: change it whenever the engine's output for the same input changes,
     * so a store never serves a stem the current engine would not produce.
     */
    public static final String ENGINE_VERSION = "dawg-engine/3"; // 2: the native bus adds its partial sums as a tree; the native synth fuses its oscillator sum. 3: the scalar synth fuses multiply-adds where the CPU has them, and the scalar compressor divides once per sample

    private final StemStore store;

    public JobPlanner(StemStore store) {
        this.store = store;
    }

    /**
     * @param project  the project JSON as submitted
     * @param uploaded the files uploaded with it: the reference used in the project, to its input id
     * @throws ProjectException naming the field, for anything that would make the render fail
     */
    public JobPlan plan(String jobId, JsonNode project, Map<String, String> uploaded, Backend backend) throws ProjectException {
        if (project == null || !project.isObject()) {
            throw new ProjectException("project: must be a JSON object (the format of dawg render, docs/project-format.md)");
        }
        ObjectNode resolved = project.deepCopy();
        JsonNode tracks = resolved.path("tracks");
        if (tracks.isArray()) {
            for (int i = 0; i < tracks.size(); i++) {
                JsonNode source = tracks.get(i).path("source");
                for (String field : new String[]{"file", "midi"}) {
                    if (source.path(field).isTextual()) {
                        String ref = source.get(field).asText();
                        ((ObjectNode) source).put(field, inputId(ref, uploaded, "tracks[" + i + "].source." + field));
                    }
                }
            }
        }
        Project parsed = ProjectParser.parse(resolved, store.inputFolder());
        if (parsed.tracks().isEmpty()) {
            throw new ProjectException("project: tracks: a render job needs at least one track");
        }
        long longest = 0;
        for (Project.Track track : parsed.tracks()) {
            try (TrackInput input = TrackInput.open(track, backend, parsed.sampleRate(), parsed.blockSize())) {
                longest = Math.max(longest, input.frames());
            } catch (IOException e) {
                throw new ProjectException("track '" + track.name() + "': cannot read its source: " + e.getMessage(), e);
            }
        }
        long frames = parsed.lengthFrames().orElse(longest);
        if (frames == 0) {
            throw new ProjectException("project: every source is empty and no lengthFrames is given: nothing to render");
        }
        boolean anySolo = parsed.tracks().stream().anyMatch(t -> t.strip().solo());
        String arithmetic = backend.arithmetic();
        // what every output of this plan is rendered with; the stems and the mix add the length
        String engine = ENGINE_VERSION + "|" + arithmetic + "|" + parsed.sampleRate() + "|" + parsed.blockSize();
        String common = engine + "|" + frames;
        List<JobPlan.TrackPlan> plans = new ArrayList<>();
        StringBuilder mix = new StringBuilder(common).append("|master=").append(parsed.master());
        for (int i = 0; i < parsed.tracks().size(); i++) {
            Project.Track t = parsed.tracks().get(i);
            JsonNode source = resolved.get("tracks").get(i).get("source");
            String inputId = source.has("midi") ? source.get("midi").asText() : source.get("file").asText();
            String dryId = null;
            String audio = inputId;
            if (t.isInstrument()) {
                dryId = hash(engine + "|instrument=" + t.instrument() + "|midi=" + inputId);
                audio = dryId;
            }
            String stemId = hash(common + "|audio=" + audio + "|strip=" + TaskRenderer.stemStrip(t.strip(), anySolo));
            plans.add(new JobPlan.TrackPlan(i, t.name(), t.isInstrument(), inputId, dryId, stemId));
            mix.append("|track=").append(audio).append(':').append(t.strip());
        }
        return new JobPlan(jobId, backend.name(), arithmetic, parsed.sampleRate(), parsed.blockSize(), frames, resolved, plans,
                hash(mix.toString()));
    }

    private String inputId(String ref, Map<String, String> uploaded, String field) throws ProjectException {
        String id = uploaded.get(ref);
        if (id != null) {
            return id;
        }
        if (FileStemStore.isContentId(ref) && store.exists(StemStore.Kind.INPUT, ref)) {
            return ref;
        }
        throw new ProjectException(field + ": '" + ref + "' was not uploaded with the job and is not the id of an earlier upload");
    }

    static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
