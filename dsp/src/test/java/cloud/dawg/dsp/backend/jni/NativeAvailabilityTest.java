package cloud.dawg.dsp.backend.jni;

import cloud.dawg.dsp.backend.MixLayout;
import org.junit.jupiter.api.Test;

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
}
