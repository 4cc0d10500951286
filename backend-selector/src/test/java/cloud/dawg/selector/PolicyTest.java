package cloud.dawg.selector;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyTest {
    private static Calibration.Result ok(Engine e, String backend, double perCore) {
        return new Calibration.Result(e, backend, true, true, 1e-7, perCore, 1, true, 10, "self-check within 1e-07");
    }

    private static Calibration.Result unavailable(Engine e, String backend, String why) {
        return new Calibration.Result(e, backend, false, false, Double.NaN, Double.NaN, Double.NaN, false, 0, why);
    }

    private static Calibration.Result failedCheck(Engine e, String backend, double perCore) {
        return new Calibration.Result(e, backend, true, false, 3e-2, Double.NaN, Double.NaN, false, 10,
                "self-check failed: differs by 0.03");
    }

    private static Overrides forced(String mix, String synth, boolean fallback) {
        return new Overrides(Map.of(Engine.MIX, mix, Engine.SYNTH, synth), fallback);
    }

    @Test
    void shouldPickTheFastestTrustedBackend() {
        List<Calibration.Result> r = List.of(ok(Engine.MIX, "scalar", 900), ok(Engine.MIX, "simd", 2500), ok(Engine.MIX, "native", 4500));
        Policy.Choice c = Policy.choose(Engine.MIX, r, Overrides.auto());
        assertEquals("native", c.backend());
        assertEquals(List.of("native", "simd", "scalar"), c.fallbackOrder());
        assertTrue(c.warning().isEmpty());
    }

    @Test
    void shouldPickScalarWhenItIsFastest() {
        List<Calibration.Result> r = List.of(ok(Engine.MIX, "scalar", 900), ok(Engine.MIX, "simd", 50), ok(Engine.MIX, "native", 700));
        assertEquals("scalar", Policy.choose(Engine.MIX, r, Overrides.auto()).backend());
    }

    @Test
    void shouldExcludeABackendThatFailedItsSelfCheckHoweverFast() {
        List<Calibration.Result> r = List.of(ok(Engine.SYNTH, "scalar", 4000), ok(Engine.SYNTH, "simd", 11000),
                failedCheck(Engine.SYNTH, "native", 90000));
        Policy.Choice c = Policy.choose(Engine.SYNTH, r, Overrides.auto());
        assertEquals("simd", c.backend());
        assertEquals(List.of("simd", "scalar"), c.fallbackOrder());
    }

    @Test
    void shouldSkipUnavailableBackends() {
        List<Calibration.Result> r = List.of(ok(Engine.MIX, "scalar", 900), unavailable(Engine.MIX, "simd", "no module"),
                unavailable(Engine.MIX, "native", "no library"));
        Policy.Choice c = Policy.choose(Engine.MIX, r, Overrides.auto());
        assertEquals("scalar", c.backend());
        assertEquals(List.of("scalar"), c.fallbackOrder());
    }

    @Test
    void shouldHonourAForcedBackendEvenIfSlower() {
        List<Calibration.Result> r = List.of(ok(Engine.MIX, "scalar", 900), ok(Engine.MIX, "simd", 2500), ok(Engine.MIX, "native", 4500));
        Policy.Choice c = Policy.choose(Engine.MIX, r, forced("simd", "auto", true));
        assertEquals("simd", c.backend());
        assertEquals(List.of("simd", "scalar"), c.fallbackOrder());
    }

    @Test
    void shouldFailStartUpWhenAForcedBackendIsUnavailableWithoutFallback() {
        List<Calibration.Result> r = List.of(ok(Engine.MIX, "scalar", 900), ok(Engine.MIX, "simd", 2500),
                unavailable(Engine.MIX, "native", "no native library for linux-aarch64 in the jar"));
        Policy.SelectionException e = assertThrows(Policy.SelectionException.class,
                () -> Policy.choose(Engine.MIX, r, forced("native", "auto", false)));
        assertTrue(e.getMessage().contains("dawg.backend.mix=native"), e.getMessage());
        assertTrue(e.getMessage().contains("no native library for linux-aarch64"), e.getMessage());
        assertTrue(e.getMessage().contains("dawg.backend.fallback=true"), e.getMessage());
    }

    @Test
    void shouldFallBackWithAWarningWhenAForcedBackendIsUnavailableAndFallbackIsAllowed() {
        List<Calibration.Result> r = List.of(ok(Engine.MIX, "scalar", 900), ok(Engine.MIX, "simd", 2500),
                unavailable(Engine.MIX, "native", "no native library"));
        Policy.Choice c = Policy.choose(Engine.MIX, r, forced("native", "auto", true));
        assertEquals("simd", c.backend());
        assertTrue(c.warning().orElseThrow().contains("no native library"), c.warning().toString());
        assertTrue(c.warning().orElseThrow().contains("using simd instead"), c.warning().toString());
    }

    @Test
    void shouldTreatAForcedBackendThatFailedItsSelfCheckLikeAnUnavailableOne() {
        List<Calibration.Result> r = List.of(ok(Engine.SYNTH, "scalar", 4000), failedCheck(Engine.SYNTH, "simd", 0),
                ok(Engine.SYNTH, "native", 16000));
        assertThrows(Policy.SelectionException.class, () -> Policy.choose(Engine.SYNTH, r, forced("auto", "simd", false)));
        assertEquals("scalar", Policy.choose(Engine.SYNTH, r, forced("auto", "simd", true)).backend());
    }

    @Test
    void shouldChooseEachEngineByItsOwnOverride() {
        List<Calibration.Result> r = List.of(ok(Engine.MIX, "scalar", 900), ok(Engine.MIX, "simd", 2500), ok(Engine.MIX, "native", 4500),
                ok(Engine.SYNTH, "scalar", 4000), ok(Engine.SYNTH, "simd", 11000), ok(Engine.SYNTH, "native", 16000));
        Overrides o = forced("scalar", "auto", true);
        assertEquals("scalar", Policy.choose(Engine.MIX, r, o).backend());
        assertEquals("native", Policy.choose(Engine.SYNTH, r, o).backend());
    }

    @Test
    void shouldKeepOnlyTheChoiceInTheRunTimeOrderWhenFallbackIsOff() {
        List<Calibration.Result> r = List.of(ok(Engine.MIX, "scalar", 900), ok(Engine.MIX, "simd", 2500), ok(Engine.MIX, "native", 4500));
        assertEquals(List.of("native"), Policy.choose(Engine.MIX, r, forced("auto", "auto", false)).fallbackOrder());
    }

    @Test
    void shouldFailWhenNothingAfterAForcedBackendCanBeTrusted() {
        List<Calibration.Result> r = List.of(failedCheck(Engine.MIX, "scalar", 0), unavailable(Engine.MIX, "simd", "x"),
                unavailable(Engine.MIX, "native", "y"));
        assertThrows(Policy.SelectionException.class, () -> Policy.choose(Engine.MIX, r, forced("native", "auto", true)));
        assertThrows(Policy.SelectionException.class, () -> Policy.choose(Engine.MIX, r, Overrides.auto()));
    }
}
