package cloud.dawg.dsp.backend.jni;

import cloud.dawg.dsp.backend.MixLayout;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void shouldLeaveNoExtractedLibraryInTheTempFolder() throws IOException {
        long before = extractedLibraries();
        assertTrue(NativeBackend.fromResource(NativeLibrary.DEFAULT_RESOURCE).availability().available());
        NativeBackend.fromResource("/cloud/dawg/dsp/backend/jni/not-a-library.so");
        assertEquals(before, extractedLibraries(), "extracted libraries left in " + TEMP);
    }

    private static final Path TEMP = Path.of(System.getProperty("java.io.tmpdir"));

    private static long extractedLibraries() throws IOException {
        try (Stream<Path> files = Files.list(TEMP)) {
            return files.filter(f -> f.getFileName().toString().matches("libdawgdsp.*\\.so")).count();
        }
    }
}
