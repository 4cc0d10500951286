package cloud.dawg.dsp.backend;

import cloud.dawg.dsp.backend.jni.NativeBackend;
import cloud.dawg.dsp.backend.scalar.ScalarBackend;
import cloud.dawg.dsp.backend.simd.SimdBackend;
import cloud.dawg.dsp.mix.MixEngine;
import cloud.dawg.dsp.strip.CompressorSettings;
import cloud.dawg.dsp.strip.EqBand;
import cloud.dawg.dsp.strip.EqSettings;
import cloud.dawg.dsp.strip.StripSettings;
import cloud.dawg.dsp.synth.InstrumentSettings;
import cloud.dawg.dsp.synth.SynthEngine;
import cloud.dawg.dsp.testing.FailingBackend;
import cloud.dawg.dsp.testing.FailingBackend.Failure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A backend that fails mid-session hands over to the next one in its chain, and the stream goes on. */
class FallbackTest {
    private static final int FS = 48000, BLOCK = 128, BLOCKS = 200, FAIL_AFTER = 60;

    /**
     * Hand-overs between kernels that take the staged block in differently: native (cleans it
     * into the frame-major input, leaving staging as it was) to simd (cleans staging in place,
     * then transposes it), and simd to scalar (reads staging itself); each replacement takes in
     * the failed kernel's block again.
     */
    static Stream<Arguments> handOvers() {
        return Stream.of(Failure.values()).flatMap(failure -> Stream.of(
                Arguments.of(NativeBackend.NAME, SimdBackend.NAME, failure),
                Arguments.of(SimdBackend.NAME, ScalarBackend.NAME, failure)));
    }

    @ParameterizedTest
    @MethodSource("handOvers")
    void shouldHandAMixSessionOverWithoutAGapOrAClick(String failing, String next, Failure failure) {
        List<String> moves = new ArrayList<>();
        BackendChain chain = new BackendChain(List.of(new FailingBackend(Backends.byName(failing), FAIL_AFTER, failure),
                Backends.byName(next)), (engine, from, to, cause) -> moves.add(engine + ":" + from + "->" + to));
        float[] out = new float[BLOCKS * BLOCK];
        float[] l = new float[BLOCK], r = new float[BLOCK], ml = new float[BLOCK], mr = new float[BLOCK];
        try (MixEngine engine = new MixEngine(chain, FS, BLOCK, 4)) {
            for (int t = 0; t < 3; t++) {
                // EQ and compressor state that a reset loses: the new backend starts from another place
                engine.addTrack(StripSettings.DEFAULT.withGain(0.3)
                        .withEq(new EqSettings(true, new EqBand(300, 9, 0.7), new EqBand(1000, -6, 2), new EqBand(6000, 4, 0.7)))
                        .withComp(new CompressorSettings(true, -20, 6)));
            }
            for (int b = 0; b < BLOCKS; b++) {
                for (int t = 0; t < 3; t++) {
                    for (int i = 0; i < BLOCK; i++) {
                        l[i] = r[i] = (float) Math.sin(2 * Math.PI * 220 * (t + 1) * (b * BLOCK + i) / FS);
                    }
                    engine.writeInput(t, l, r, 0, BLOCK);
                }
                engine.process(BLOCK);
                engine.readMix(ml, mr, 0, BLOCK);
                System.arraycopy(ml, 0, out, b * BLOCK, BLOCK);
            }
            assertEquals(next, engine.backendName());
            assertEquals(1, engine.fallbacks());
        }
        assertEquals(List.of("mix:" + failing + "->" + next), moves);
        int failedAt = FAIL_AFTER * BLOCK;
        double normalStep = maxStep(out, BLOCK, failedAt - BLOCK);
        for (int i = 0; i < out.length; i++) {
            assertTrue(Float.isFinite(out[i]), "sample " + i + " is " + out[i]);
        }
        double stepAtSwitch = maxStep(out, failedAt - BLOCK, failedAt + 4 * BLOCK);
        assertTrue(stepAtSwitch <= normalStep * 1.5, "a click at the switch: step " + stepAtSwitch + " vs " + normalStep);
        double energyAfter = 0;
        for (int i = failedAt + 480; i < failedAt + 2 * 480; i++) {
            energyAfter += out[i] * out[i];
        }
        assertTrue(energyAfter > 1, "the stream goes on after the switch: energy " + energyAfter);
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void shouldHandAnInstrumentOverCarryingEveryVoice(Failure failure) {
        List<String> moves = new ArrayList<>();
        BackendChain chain = new BackendChain(List.of(new FailingBackend(new SimdBackend(), FAIL_AFTER, failure),
                new ScalarBackend()), (engine, from, to, cause) -> moves.add(engine + ":" + from + "->" + to));
        float[] got = play(new SynthEngine(chain, InstrumentSettings.DEFAULT, FS, BLOCK));
        float[] want = play(new SynthEngine(new ScalarBackend(), InstrumentSettings.DEFAULT, FS, BLOCK));
        assertEquals(List.of("synth:simd->scalar"), moves);
        double diff = 0;
        for (int i = 0; i < want.length; i++) {
            diff = Math.max(diff, Math.abs(want[i] - got[i]));
        }
        assertTrue(diff <= 1e-4, "the handed-over stream differs from the reference by " + diff);
    }

    private static float[] play(SynthEngine synth) {
        float[] out = new float[BLOCKS * BLOCK], right = new float[out.length];
        try (synth) {
            for (int b = 0; b < BLOCKS; b++) {
                if (b % 10 == 0) {
                    synth.noteOn(b % BLOCK, 48 + b % 24, 100);
                }
                if (b % 10 == 7) {
                    synth.noteOff(3, 48 + (b - 7) % 24);
                }
                synth.process(out, right, b * BLOCK, BLOCK);
            }
        }
        return out;
    }

    private static double maxStep(float[] x, int from, int to) {
        double m = 0;
        for (int i = Math.max(1, from); i < to; i++) {
            m = Math.max(m, Math.abs(x[i] - x[i - 1]));
        }
        return m;
    }
}
