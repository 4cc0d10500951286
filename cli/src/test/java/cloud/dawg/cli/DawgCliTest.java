package cloud.dawg.cli;

import cloud.dawg.dsp.backend.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dawg command run in-process on real files: exit codes, messages, outputs. */
class DawgCliTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            int code = DawgCli.commandLine().execute(args);
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void shouldPrintTheChoiceAsNodeFeatureDiscoveryLines() {
        Run r = run("probe", "--nfd", "--calibration-ms", "20");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertTrue(lines.length >= 8, r.out());
        for (String line : lines) {
            assertTrue(line.matches("dawg-[a-z-]+=[a-z0-9.-]+"), line);
        }
        assertTrue(r.out().contains("dawg-mix-backend="), r.out());
    }

    @Test
    void shouldRejectAProbeCalibrationTimeOutsideItsLimits() {
        Run r = run("probe", "--calibration-ms", "5000");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--calibration-ms 5000 is outside 1..300"), r.err());
    }

    @Test
    void shouldRenderTheDemoMadeByItsOwnGenerator() throws Exception {
        Path demo = dir.resolve("demo");
        assertEquals(0, run("make-demo-audio", demo.toString()).code());
        Files.copy(Path.of("../examples/demo/project.json"), demo.resolve("project.json"));
        for (String backend : new String[]{"scalar", "auto"}) {
            Path out = dir.resolve("out-" + backend);
            Run r = run("render", demo.resolve("project.json").toString(), "--out", out.toString(), "--backend", backend);
            assertEquals(0, r.code(), r.err());
            long mix = Files.size(out.resolve("mix.wav"));
            assertTrue(mix > 44 + 4L * 48000 * 8, "longer than the 4 s of audio: the arpeggio rings out");
            for (String name : new String[]{"drums", "bass", "keys", "lead", "arp"}) {
                assertEquals(mix, Files.size(out.resolve(name + ".wav")), name + ".wav as long as the mix");
            }
        }
    }

    @Test
    void shouldExitWithTwoAndNameTheFieldForABadProject() throws Exception {
        Path project = dir.resolve("p.json");
        Files.writeString(project, "{\"tracks\": [{\"name\": \"drums\", \"source\": {\"file\": \"d.wav\"}, \"strip\": {\"pan\": 2}}]}");
        Path out = dir.resolve("out");
        Run r = run("render", project.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("track 'drums': strip.pan: 2.0 is outside -1.0..1.0"), r.err());
        assertTrue(!Files.exists(out), "nothing written");
    }

    @Test
    void shouldRejectAnUnknownBackend() throws Exception {
        Path project = dir.resolve("p.json");
        Files.writeString(project, "{\"tracks\": [{\"name\": \"d\", \"source\": {\"file\": \"d.wav\"}}]}");
        Run r = run("render", project.toString(), "--out", dir.resolve("o").toString(), "--backend", "gpu");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown backend 'gpu'"), r.err());
    }

    @Test
    void shouldNameTheAcceptedWordsWhenTheBenchmarkGetsAnUnknownBackend() {
        Run r = run("bench", "synth", "--backend", "gpu", "--seconds", "0.1", "--warmup", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown backend 'gpu'") && r.err().contains("or all, auto"), r.err());
    }

    @Test
    void shouldBenchmarkOnlyThePreferredBackendForAuto() {
        Run r = run("bench", "synth", "--backend", "auto", "--voices", "16", "--seconds", "0.1", "--warmup", "0", "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, r.out());
        assertTrue(lines[0].contains("\"backend\":\"" + Backends.preferred().name() + "\""), lines[0]);
    }

    @Test
    void shouldPrintOneJsonObjectPerBackendFromTheBenchmark() {
        Run r = run("bench", "mix", "--tracks", "20", "--seconds", "0.2", "--warmup", "0", "--json");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(3, lines.length, r.out());
        for (String line : lines) {
            assertTrue(line.startsWith("{\"backend\":\""), line);
            if (line.contains("\"available\":true")) {
                Matcher strips = Pattern.compile("\"realtimeStripsPerCore\":([0-9.]+)").matcher(line);
                Matcher ns = Pattern.compile("\"nsPerTrackBlock\":([0-9.]+)").matcher(line);
                assertTrue(strips.find() && Double.parseDouble(strips.group(1)) > 0, line);
                assertTrue(ns.find() && Double.parseDouble(ns.group(1)) > 0, line);
            }
        }
    }

    @Test
    void shouldFailCleanlyForAMissingProjectFile() {
        Run r = run("render", dir.resolve("nope.json").toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("no such project file"), r.err());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
