package cloud.dawg.selector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real environments: the selector in JVMs started without the Vector API module, or with a
 * classpath whose jar really lacks the native library (not flags faked inside this JVM).
 */
class SeparateJvmTest {
    private static final String LIBRARY = "native/linux-x86_64/libdawgdsp.so";

    @TempDir
    Path temp;

    record Run(int exit, JsonNode json, String stderr) {
    }

    private Run select(boolean vectorModule, String classpath, String... properties) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (vectorModule) {
            command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Ddawg.calibration.millis=30");
        command.addAll(List.of(properties));
        command.addAll(List.of("-cp", classpath, SelectorMain.class.getName()));
        Path out = temp.resolve("out-" + System.nanoTime()), err = temp.resolve("err-" + System.nanoTime());
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the selector JVM did not finish");
        String stdout = Files.readString(out);
        return new Run(p.exitValue(), stdout.isBlank() ? null : new ObjectMapper().readTree(stdout), Files.readString(err));
    }

    @Test
    void shouldSelectWithoutSimdAndSayWhyWhenTheJvmLacksTheVectorModule() throws Exception {
        Run run = select(false, System.getProperty("java.class.path"));
        assertEquals(0, run.exit(), run.stderr());
        JsonNode simd = run.json().get("backends").get("simd");
        assertFalse(simd.get("available").asBoolean());
        assertTrue(simd.get("reason").asText().contains("--add-modules jdk.incubator.vector"), simd.toString());
        assertFalse(run.json().get("node").get("vectorApi").asBoolean());
        for (String engine : new String[]{"mix", "synth"}) {
            JsonNode choice = run.json().get("selection").get(engine);
            assertNotEquals("simd", choice.get("backend").asText());
            for (JsonNode b : choice.get("fallbackOrder")) {
                assertNotEquals("simd", b.asText());
            }
        }
    }

    @Test
    void shouldFallBackAndSayWhyWhenTheNativeLibraryIsMissingFromTheJar() throws Exception {
        Run run = select(true, classpathWithoutNativeLibrary());
        assertEquals(0, run.exit(), run.stderr());
        JsonNode nativeBackend = run.json().get("backends").get("native");
        assertFalse(nativeBackend.get("available").asBoolean());
        assertTrue(nativeBackend.get("reason").asText().contains("no native library"), nativeBackend.toString());
        for (String engine : new String[]{"mix", "synth"}) {
            String chosen = run.json().get("selection").get(engine).get("backend").asText();
            assertTrue(chosen.equals("simd") || chosen.equals("scalar"), engine + " chose " + chosen);
        }
    }

    @Test
    void shouldRefuseToStartWhenAForcedBackendIsMissingAndFallbackIsOff() throws Exception {
        Run run = select(true, classpathWithoutNativeLibrary(), "-Ddawg.backend=native", "-Ddawg.backend.fallback=false");
        assertEquals(2, run.exit());
        assertTrue(run.stderr().contains("dawg.backend.mix=native cannot be used: no native library"), run.stderr());
    }

    @Test
    void shouldWarnAndFallBackWhenAForcedBackendIsMissingAndFallbackIsOn() throws Exception {
        Run run = select(true, classpathWithoutNativeLibrary(), "-Ddawg.backend.synth=native");
        assertEquals(0, run.exit(), run.stderr());
        JsonNode synth = run.json().get("selection").get("synth");
        assertEquals("simd", synth.get("backend").asText());
        assertTrue(synth.get("warning").asText().contains("no native library"), synth.toString());
    }

    /** This JVM's classpath with the entry holding the native library replaced by a copy without it. */
    private String classpathWithoutNativeLibrary() throws IOException {
        List<String> entries = new ArrayList<>();
        boolean replaced = false;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path) && Files.exists(path.resolve(LIBRARY))) {
                Path copy = temp.resolve("classes-" + entries.size());
                try (Stream<Path> files = Files.walk(path)) {
                    for (Path f : (Iterable<Path>) files::iterator) {
                        Path target = copy.resolve(path.relativize(f).toString());
                        if (Files.isDirectory(f)) {
                            Files.createDirectories(target);
                        } else if (!f.endsWith(Path.of(LIBRARY))) {
                            Files.copy(f, target);
                        }
                    }
                }
                entries.add(copy.toString());
                replaced = true;
            } else if (entry.endsWith(".jar") && hasEntry(path)) {
                Path copy = temp.resolve("without-native-" + entries.size() + ".jar");
                try (JarFile in = new JarFile(path.toFile()); OutputStream os = Files.newOutputStream(copy);
                     JarOutputStream out = new JarOutputStream(os)) {
                    for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements(); ) {
                        JarEntry je = e.nextElement();
                        if (je.getName().equals(LIBRARY)) {
                            continue;
                        }
                        out.putNextEntry(new JarEntry(je.getName()));
                        try (InputStream is = in.getInputStream(je)) {
                            is.transferTo(out);
                        }
                        out.closeEntry();
                    }
                }
                entries.add(copy.toString());
                replaced = true;
            } else {
                entries.add(entry);
            }
        }
        assertTrue(replaced, "no classpath entry holds " + LIBRARY);
        return String.join(File.pathSeparator, entries);
    }

    private static boolean hasEntry(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.getEntry(LIBRARY) != null;
        }
    }
}
