package cloud.dawg.dsp.backend.scalar;

import cloud.dawg.dsp.synth.EnvelopeSettings;
import cloud.dawg.dsp.synth.FilterSettings;
import cloud.dawg.dsp.synth.InstrumentSettings;
import cloud.dawg.dsp.synth.OscillatorSettings;
import cloud.dawg.dsp.synth.SynthEngine;
import cloud.dawg.dsp.synth.Waveform;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scalar synth renders the same voices whether it evaluates them with fused multiply-adds or not. */
class ReferenceVoicesTest {
    private static final int RATE = 48000, BLOCK = 128, SECONDS = 3;

    @ParameterizedTest(name = "filter {0} at {1} Hz, Q {2}")
    @CsvSource({"true, 20, 18", "true, 4000, 0.9", "true, 21000, 0.5", "false, 8000, 0.7071"})
    void shouldRenderAlikeWithAndWithoutFusedMultiplyAdds(boolean filtered, double cutoff, double q) {
        InstrumentSettings instrument = new InstrumentSettings(
                List.of(new OscillatorSettings(Waveform.SAW, -7, 0.5), new OscillatorSettings(Waveform.SQUARE, 12, 0.5)),
                new EnvelopeSettings(0.01, 0.1, 0.7, 0.3), new FilterSettings(filtered, cutoff, q), 0.5, 64);
        float[] plain = render(new ScalarBackend(false), instrument), fused = render(new ScalarBackend(true), instrument);
        double peak = 1, worst = 0;
        for (int i = 0; i < plain.length; i++) {
            peak = Math.max(peak, Math.abs(plain[i]));
            worst = Math.max(worst, Math.abs(plain[i] - fused[i]));
        }
        // rounding only, far inside the scalar backend's 1e-6: a different filter or envelope would be off by orders more
        assertTrue(worst / peak < 1e-9, "fused and reference evaluation differ by " + worst + " (peak " + peak + ")");
    }

    /** The same seeded notes (chords, releases, more notes than voices) through one backend; the left side. */
    private static float[] render(ScalarBackend backend, InstrumentSettings instrument) {
        SplittableRandom rnd = new SplittableRandom(11);
        float[] out = new float[RATE * SECONDS], right = new float[RATE * SECONDS];
        try (SynthEngine synth = new SynthEngine(backend, instrument, RATE, BLOCK)) {
            for (int at = 0; at < out.length; at += BLOCK) {
                for (int k = 0; k < 3; k++) {
                    int note = 24 + rnd.nextInt(84), offset = rnd.nextInt(BLOCK);
                    if (rnd.nextBoolean()) {
                        synth.noteOn(offset, note, 1 + rnd.nextInt(127));
                    } else {
                        synth.noteOff(offset, note);
                    }
                }
                synth.process(out, right, at, BLOCK);
            }
        }
        return out;
    }
}
