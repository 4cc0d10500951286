package cloud.dawg.selector;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OverridesTest {
    private static Overrides read(Map<String, String> properties, Map<String, String> env) {
        return Overrides.from(properties::get, env::get);
    }

    @Test
    void shouldDefaultToAutoWithFallback() {
        Overrides o = read(Map.of(), Map.of());
        assertEquals("auto", o.requested(Engine.MIX));
        assertEquals("auto", o.requested(Engine.SYNTH));
        assertTrue(o.fallback());
    }

    @Test
    void shouldLetThePerEngineSettingWinOverTheCommonOne() {
        Overrides o = read(Map.of("dawg.backend", "simd", "dawg.backend.synth", "Native"), Map.of());
        assertEquals("simd", o.requested(Engine.MIX));
        assertEquals("native", o.requested(Engine.SYNTH));
    }

    @Test
    void shouldReadTheEnvironmentWhenNoPropertyIsSet() {
        Overrides o = read(Map.of("dawg.backend.mix", "scalar"), Map.of("DAWG_BACKEND_MIX", "simd", "DAWG_BACKEND", "native",
                "DAWG_BACKEND_FALLBACK", "false"));
        assertEquals("scalar", o.requested(Engine.MIX));
        assertEquals("native", o.requested(Engine.SYNTH));
        assertFalse(o.fallback());
    }

    @Test
    void shouldRejectAnUnknownBackendNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of("dawg.backend.mix", "gpu"), Map.of()));
        assertEquals("dawg.backend.mix=gpu is not one of auto|scalar|simd|native", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> read(Map.of("dawg.backend.fallback", "maybe"), Map.of()));
    }
}
