package cloud.dawg.dsp.backend;

import cloud.dawg.dsp.backend.jni.NativeBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native kernels' code for every ISA this CPU runs, not only the best one: each less capable
 * level (baseline x86-64 everywhere, AVX2 on an AVX-512 machine) is run on a share of the
 * cross-backend cases and must match the scalar reference within the same tolerance. Without
 * this, only the code chosen for the build machine would ever be tested.
 */
class NativeIsaTest {
    private static final int MIX_CASES = 24, SYNTH_CASES = 40;
    private NativeBackend backend;
    private String best;

    @BeforeEach
    void setUp() {
        Backend b = Backends.byName(NativeBackend.NAME);
        Assumptions.assumeTrue(b.availability().available(), b.availability().reason());
        backend = (NativeBackend) b;
        best = backend.capabilities().isa();
    }

    @AfterEach
    void restore() {
        if (backend != null) {
            backend.limitIsa(best);
        }
    }

    @Test
    void shouldMatchScalarWithEveryLessCapableIsa() {
        List<String> lower = backend.supportedIsas().subList(0, backend.supportedIsas().indexOf(best));
        assertTrue(lower.contains("baseline"), "baseline x86-64 code is always runnable, got " + lower);
        List<String> outside = new ArrayList<>();
        for (String isa : lower) {
            assertEquals(isa, backend.limitIsa(isa));
            assertEquals(isa, backend.capabilities().isa());
            for (int seed = 1; seed <= MIX_CASES; seed++) {
                double diff = CrossBackendTest.compare(backend, seed);
                if (diff > 1e-4) {
                    outside.add(isa + " mix seed " + seed + ": " + diff);
                }
            }
            for (int seed = 1; seed <= SYNTH_CASES; seed++) {
                double diff = SynthAcrossBackendsTest.compare(backend, seed).relativeDifference();
                if (diff > 1e-4) {
                    outside.add(isa + " synth seed " + seed + ": " + diff);
                }
            }
        }
        assertTrue(outside.isEmpty(), () -> "outside 1e-4 of the scalar reference: " + outside);
    }

    @Test
    void shouldNeverRunMoreThanTheCpuSupports() {
        String most = backend.supportedIsas().getLast();
        assertEquals(most, backend.limitIsa("avx512"));
        assertEquals(most, backend.capabilities().isa());
    }

    @Test
    void shouldRejectAnUnknownIsaByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> backend.limitIsa("sse9"));
        assertTrue(e.getMessage().contains("sse9") && e.getMessage().contains("baseline"), e.getMessage());
        assertEquals(best, backend.capabilities().isa(), "a refused limit changes nothing");
    }
}
