package cloud.dawg.dsp.backend.jni;

import cloud.dawg.dsp.backend.MixLayout;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeAvailabilityTest {
    @Test
    void shouldReportAMissingLibraryAsUnavailableWithTheReason() {
        NativeBackend backend = NativeBackend.fromResource("/native/nowhere/libdawgdsp.so");
        assertFalse(backend.availability().available());
        assertTrue(backend.availability().reason().contains("no native library"), backend.availability().reason());
        try (MixLayout layout = new MixLayout(4, 128)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend.openMix(layout, 48000));
            assertTrue(e.getMessage().startsWith("native backend unavailable: "), e.getMessage());
        }
    }

    @Test
    void shouldReportALibraryThatDoesNotLoadWithoutCrashing() {
        // a resource that exists but is not a shared object: System.load fails, the JVM lives on
        NativeBackend backend = NativeBackend.fromResource("/cloud/dawg/dsp/backend/jni/not-a-library.so");
        assertFalse(backend.availability().available());
        assertTrue(backend.availability().reason().startsWith("could not load"), backend.availability().reason());
    }

    @Test
    void shouldExtractEachBuildOfTheLibraryOnceAndReuseIt() throws Exception {
        byte[] library = "a stand-in for a library build".getBytes(StandardCharsets.UTF_8);
        Path first = NativeLibrary.extract(library);
        Path folder = first.getParent();
        long files = filesIn(folder);
        assertEquals(first, NativeLibrary.extract(library), "the same build, the same file");
        assertEquals(files, filesIn(folder), "nothing more written for a build already there");
        assertArrayEquals(library, Files.readAllBytes(first));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(folder));

        Files.write(first, "damaged".getBytes(StandardCharsets.UTF_8));
        assertEquals(first, NativeLibrary.extract(library));
        assertArrayEquals(library, Files.readAllBytes(first), "a damaged copy is written again");

        Path other = NativeLibrary.extract("another build".getBytes(StandardCharsets.UTF_8));
        assertNotEquals(first, other);
        Files.delete(first);
        Files.delete(other);
        assertEquals(files - 1, filesIn(folder), "no temp files left beside them");
    }

    private static long filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        }
    }
}
