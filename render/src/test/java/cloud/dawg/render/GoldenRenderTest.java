package cloud.dawg.render;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.dsp.backend.scalar.ScalarBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference JavaScript's renders (made by src/test/golden/make-goldens.mjs) against ours:
 * the scalar backend within 1e-6, the float32 backends within the cross-backend 1e-4.
 */
class GoldenRenderTest {
    @TempDir
    Path out;

    static Stream<Arguments> cases() throws IOException, URISyntaxException {
        Path root = Path.of(GoldenRenderTest.class.getResource("/golden").toURI());
        List<Path> dirs;
        try (Stream<Path> list = Files.list(root)) {
            dirs = list.filter(Files::isDirectory).sorted().toList();
        }
        return dirs.stream().flatMap(d -> Backends.NAMES.stream().map(b -> Arguments.of(d.getFileName().toString(), b, d)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void shouldRenderLikeTheReferenceJavaScript(String name, String backendName, Path dir) throws Exception {
        Backend backend = Backends.byName(backendName);
        Assumptions.assumeTrue(backend.availability().available(), backend.availability().reason());
        double tolerance = backendName.equals(ScalarBackend.NAME) ? 1e-6 : 1e-4;
        Project project = ProjectParser.parse(dir.resolve("project.json"));
        OfflineRenderer.Result result = OfflineRenderer.render(project, out, backend, OfflineRenderer.Progress.NONE);
        List<Path> expected;
        try (Stream<Path> files = Files.list(dir.resolve("expected"))) {
            expected = files.sorted().toList();
        }
        assertEquals(expected.size(), result.files().size(), "one file per track plus mix.wav");
        for (Path want : expected) {
            Path got = out.resolve(want.getFileName());
            assertTrue(Files.exists(got), "missing " + got.getFileName());
            float[][] a = WavFiles.read(want), b = WavFiles.read(got);
            assertEquals(a[0].length, b[0].length, want.getFileName() + ": frame count");
            for (int side = 0; side < 2; side++) {
                double peak = 1, diff = 0;
                for (int i = 0; i < a[side].length; i++) {
                    peak = Math.max(peak, Math.abs(a[side][i]));
                    diff = Math.max(diff, Math.abs((double) a[side][i] - b[side][i]));
                }
                double relative = diff / peak;
                int s = side;
                assertTrue(relative <= tolerance, () -> name + "/" + want.getFileName() + " side " + s + " differs by " + relative);
            }
        }
    }
}
