package cloud.dawg.selector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything the selector found and decided: the probe, each calibration, the choice per engine
 * with its reasons, and the node's capacity at the target load. Printed by {@code dawg probe};
 * the services will serve it over HTTP and gRPC and export it as gauges. The JSON form is
 * described by docs/node-report.schema.json.
 */
public record NodeReport(NodeProbe.Facts node, List<Calibration.Result> calibration, Map<Engine, Policy.Choice> choices,
                         double targetLoad, long calibrationMillis) {
    public static final int SCHEMA_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Realtime strips (mix) or voices (synth) this node carries at the target load on the chosen backend. */
    public long capacity(Engine engine) {
        Policy.Choice choice = choices.get(engine);
        for (Calibration.Result r : calibration) {
            if (r.engine() == engine && r.backend().equals(choice.backend())) {
                return (long) Math.floor(r.realtimePerCore() * node.usableCores() * targetLoad);
            }
        }
        return 0;
    }

    public String backend(Engine engine) {
        return choices.get(engine).backend();
    }

    /** What the engine's chosen backend runs: the ISA native code picked, the Vector API width, or java. */
    public String isa(Engine engine) {
        return node.isa().get(backend(engine));
    }

    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        for (Policy.Choice c : choices.values()) {
            c.warning().ifPresent(warnings::add);
        }
        return warnings;
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        ObjectNode n = root.putObject("node");
        n.put("os", node.os());
        n.put("arch", node.arch());
        n.put("cpuModel", node.cpuModel());
        n.put("hostCores", node.hostCores());
        n.put("usableCores", node.usableCores());
        n.put("usableCoresFrom", node.coresSource());
        ArrayNode features = n.putArray("cpuFeatures");
        node.cpuFeatures().forEach(features::add);
        n.put("jdk", node.jdk());
        n.put("vectorApi", node.vectorApi());
        n.put("preferredVectorBits", node.preferredVectorBits());
        ObjectNode backends = root.putObject("backends");
        node.backends().forEach((name, a) -> backends.putObject(name).put("available", a.available()).put("reason", a.reason()));
        ArrayNode runs = root.putArray("calibration");
        for (Calibration.Result r : calibration) {
            ObjectNode o = runs.addObject();
            o.put("engine", r.engine().key());
            o.put("backend", r.backend());
            o.put("available", r.available());
            o.put("selfCheckPassed", r.selfCheckPassed());
            number(o, "maxDifference", r.maxDifference());
            number(o, "realtimePerCore", r.realtimePerCore());
            number(o, "nsPerUnitBlock", r.nsPerUnitBlock());
            o.put("steady", r.steady());
            o.put("unit", r.engine().unit());
            o.put("millis", r.millis());
            o.put("reason", r.reason());
        }
        ObjectNode chosen = root.putObject("selection");
        for (Engine e : Engine.values()) {
            Policy.Choice c = choices.get(e);
            ObjectNode o = chosen.putObject(e.key());
            o.put("backend", c.backend());
            o.put("isa", isa(e));
            o.put("reason", c.reason());
            ArrayNode order = o.putArray("fallbackOrder");
            c.fallbackOrder().forEach(order::add);
            if (c.warning().isPresent()) {
                o.put("warning", c.warning().get());
            } else {
                o.putNull("warning");
            }
        }
        ObjectNode cap = root.putObject("capacity");
        cap.put("targetLoad", targetLoad);
        cap.put("usableCores", node.usableCores());
        cap.put("realtimeStrips", capacity(Engine.MIX));
        cap.put("realtimeVoices", capacity(Engine.SYNTH));
        root.put("calibrationMillis", calibrationMillis);
        return root;
    }

    private static void number(ObjectNode o, String field, double value) {
        if (Double.isFinite(value)) {
            o.put(field, value);
        } else {
            o.putNull(field);
        }
    }

    public String toJsonString() {
        try {
            return JSON.writeValueAsString(toJson());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Node Feature Discovery "local" feature lines ({@code name=value}); NFD prefixes the names
     * with {@code feature.node.kubernetes.io/}, so they become node labels a scheduler can use.
     */
    public List<String> nfdLines() {
        List<String> lines = new ArrayList<>();
        for (Engine e : Engine.values()) {
            lines.add("dawg-" + e.key() + "-backend=" + backend(e));
            lines.add("dawg-" + e.key() + "-isa=" + label(isa(e)));
        }
        lines.add("dawg-native=" + node.backends().get("native").available());
        lines.add("dawg-vector-bits=" + node.preferredVectorBits());
        lines.add("dawg-realtime-strips=" + capacity(Engine.MIX));
        lines.add("dawg-realtime-voices=" + capacity(Engine.SYNTH));
        return lines;
    }

    /** A Kubernetes label value: at most 63 of [A-Za-z0-9._-], starting and ending alphanumeric. */
    static String label(String value) {
        String v = value.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-").replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        return v.length() > 63 ? v.substring(0, 63).replaceAll("[^a-z0-9]+$", "") : v;
    }
}
