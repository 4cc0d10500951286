package cloud.dawg.gateway.session;

import cloud.dawg.dsp.strip.EqBand;
import cloud.dawg.dsp.strip.StripSettings;
import cloud.dawg.render.ProjectException;
import cloud.dawg.render.ProjectParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Strips as the participants' UI sees them: the project format's strip object, always complete.
 * A change is a patch (any subset of the fields) merged into the current strip and validated as a
 * whole, so a knob move sends one field and an invalid value changes nothing.
 */
public final class StripJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private StripJson() {
    }

    public static ObjectNode toJson(StripSettings s, boolean master) {
        ObjectNode eq = JSON.objectNode().put("active", s.eq().active());
        eq.set("low", band(s.eq().low(), false));
        eq.set("mid", band(s.eq().mid(), true));
        eq.set("high", band(s.eq().high(), false));
        ObjectNode o = JSON.objectNode();
        o.set("eq", eq);
        o.set("comp", JSON.objectNode().put("active", s.comp().active()).put("thresholdDb", s.comp().thresholdDb())
                .put("ratio", s.comp().ratio()));
        o.put("gain", s.gain()).put("pan", s.pan()).put("mono", s.mono());
        if (!master) {
            o.put("mute", s.mute()).put("solo", s.solo());
        }
        return o;
    }

    private static ObjectNode band(EqBand b, boolean peaking) {
        ObjectNode o = JSON.objectNode().put("freq", b.freq()).put("gainDb", b.gainDb());
        if (peaking) {
            o.put("q", b.q());
        }
        return o;
    }

    /** The strip after {@code patch}, or a ProjectException naming the offending field. */
    public static StripSettings apply(ObjectNode current, JsonNode patch, int sampleRate, boolean master, String owner)
            throws ProjectException {
        if (patch == null || !patch.isObject()) {
            throw new ProjectException(owner + ": strip: must be an object");
        }
        ObjectNode merged = current.deepCopy();
        merge(merged, patch);
        return ProjectParser.strip(merged, sampleRate, master, owner);
    }

    private static void merge(ObjectNode into, JsonNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = into.get(e.getKey());
            if (existing instanceof ObjectNode target && e.getValue().isObject()) {
                merge(target, e.getValue());
            } else {
                into.set(e.getKey(), e.getValue());
            }
        }
    }
}
