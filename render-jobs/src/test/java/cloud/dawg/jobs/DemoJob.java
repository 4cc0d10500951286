package cloud.dawg.jobs;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.render.OfflineRenderer;
import cloud.dawg.render.ProjectParser;
import cloud.dawg.render.WavSource;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The job the render-job tests submit (the demo with a second instrument: 4 audio tracks and 2
 * instruments), and what to compare it with. Shared with other modules' tests through the test jar.
 */
public final class DemoJob {
    /** Relative to any module folder. */
    public static final Path DEMO = Path.of("../examples/demo");
    static final String[] FILES = {"drums.wav", "bass.wav", "keys.wav", "lead.wav", "arp.mid"};

    private DemoJob() {
    }

    public static ObjectNode project() throws Exception {
        ObjectNode p = (ObjectNode) Json.MAPPER.readTree(Files.readString(DEMO.resolve("project.json")));
        ObjectNode pad = ((ArrayNode) p.get("tracks")).addObject().put("name", "pad");
        ObjectNode instrument = pad.putObject("source").put("midi", "arp.mid").putObject("instrument");
        instrument.putArray("oscillators").addObject().put("wave", "triangle").put("level", 0.8);
        instrument.put("gain", 0.4);
        pad.putObject("strip").put("gain", 0.7).put("pan", -0.6);
        return p;
    }

    /** Uploads the demo's files; returns their ids by file name (the project's references). */
    public static Map<String, String> upload(StemStore store) throws Exception {
        Map<String, String> ids = new HashMap<>();
        for (String f : FILES) {
            try (InputStream in = Files.newInputStream(DEMO.resolve(f))) {
                ids.put(f, store.putInput(in));
            }
        }
        return ids;
    }

    public static String newJobId() {
        byte[] b = new byte[16];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** {@code dawg render} of the project on the demo's files into {@code dir}; returns the output folder. */
    public static Path renderLocally(JsonNode project, Path dir, Backend backend) throws Exception {
        Files.createDirectories(dir);
        for (String f : FILES) {
            Files.copy(DEMO.resolve(f), dir.resolve(f));
        }
        Files.writeString(dir.resolve("project.json"), project.toString());
        OfflineRenderer.render(ProjectParser.parse(dir.resolve("project.json")), dir.resolve("out"), backend,
                OfflineRenderer.Progress.NONE);
        return dir.resolve("out");
    }

    public static float[][] read(Path wav) throws Exception {
        int block = 4096;
        try (WavSource in = WavSource.open(wav, "test", block)) {
            int n = (int) in.frames();
            float[][] lr = new float[2][n];
            float[] l = new float[block], r = new float[block];
            for (int at = 0; at < n; at += block) {
                int len = Math.min(block, n - at);
                in.read(l, r, len);
                System.arraycopy(l, 0, lr[0], at, len);
                System.arraycopy(r, 0, lr[1], at, len);
            }
            return lr;
        }
    }
}
