package cloud.dawg.dsp.backend;

import cloud.dawg.dsp.backend.scalar.ScalarBackend;
import cloud.dawg.dsp.synth.EnvelopeSettings;
import cloud.dawg.dsp.synth.FilterSettings;
import cloud.dawg.dsp.synth.InstrumentSettings;
import cloud.dawg.dsp.synth.OscillatorSettings;
import cloud.dawg.dsp.synth.SynthEngine;
import cloud.dawg.dsp.synth.Waveform;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 120 seeded random instruments and note sequences per optimised backend (one or two
 * oscillators of every waveform, envelopes with zero-length segments, filters from 20 Hz to
 * 0.45 fs at Q up to 18, pools of 1 to 256 voices with stealing, clusters of 64 to 200
 * simultaneous notes, the sustain pedal, all-notes-off, odd block sizes, 22.05 to 96 kHz, two
 * sessions of 10 s), compared with the scalar reference within the spec's synth tolerance:
 * {@code 1e-4 * max(1, peak)}.
 */
class SynthAcrossBackendsTest {
    private static final double TOLERANCE = 1e-4;
    private static final int CASES = 120;
    private static final int[] RATES = {22050, 44100, 48000, 96000};

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"simd", "native"})
    void shouldMatchScalarOnRandomInstrumentsAndNotes(String backendName) {
        Backend backend = Backends.byName(backendName);
        Assumptions.assumeTrue(backend.availability().available(), backend.availability().reason());
        List<String> outside = new ArrayList<>();
        double worst = 0;
        int manyVoices = 0;
        for (int seed = 0; seed < CASES; seed++) {
            Outcome o = compare(backend, seed);
            worst = Math.max(worst, o.relativeDifference);
            manyVoices += o.mostVoices >= 64 ? 1 : 0;
            if (o.relativeDifference > TOLERANCE) {
                outside.add("seed " + seed + ": " + o.relativeDifference);
            }
        }
        double worstSeen = worst;
        assertTrue(outside.isEmpty(), () -> backendName + " outside 1e-4 * max(1, peak): " + outside + " (worst " + worstSeen + ")");
        assertTrue(manyVoices >= 20, "only " + manyVoices + " cases reached 64 simultaneous voices");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"simd", "native"})
    void shouldEndEnvelopeSegmentsOnTheSameFramesAsTheReference(String backendName) {
        Backend backend = Backends.byName(backendName);
        Assumptions.assumeTrue(backend.availability().available(), backend.availability().reason());
        InstrumentSettings small = new InstrumentSettings(List.of(OscillatorSettings.DEFAULT),
                new EnvelopeSettings(0.001, 0.01, 0.5, 0.05), FilterSettings.DEFAULT, 1, 8);
        try (SynthEngine a = new SynthEngine(new ScalarBackend(), small, 48000, 128);
             SynthEngine b = new SynthEngine(backend, small, 48000, 128)) {
            float[] l = new float[128], r = new float[128];
            for (int block = 0; block < 300; block++) {
                for (SynthEngine s : new SynthEngine[]{a, b}) {
                    if (block % 3 == 0) {
                        s.noteOn(block % 128, 40 + block % 40, 100); // 8 voices: steals once the pool is full
                    }
                    if (block % 15 == 0 && block >= 15) {
                        s.noteOff(5, 40 + (block - 15) % 40); // the note started 15 blocks ago
                    }
                    s.process(l, r, 0, 128);
                }
                assertEquals(a.activeVoices(), b.activeVoices(), "block " + block);
            }
        }
    }

    record Outcome(double relativeDifference, int mostVoices) {
    }

    static Outcome compare(Backend backend, int seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 104729L + 3);
        int rate = seed % 60 == 7 ? 48000 : RATES[rnd.nextInt(RATES.length)];
        int block = seed % 5 == 0 ? 16 + rnd.nextInt(500) : 128;
        int frames = seed % 60 == 7 ? 10 * rate : rate / 2 + rnd.nextInt(rate / 2);
        InstrumentSettings instrument = instrument(rnd, rate, seed % 3 == 0 ? 64 + rnd.nextInt(193) : 1 + rnd.nextInt(32));
        List<int[]> events = events(rnd, frames, rate, seed % 3 == 0);
        try (SynthEngine reference = new SynthEngine(new ScalarBackend(), instrument, rate, block);
             SynthEngine candidate = new SynthEngine(backend, instrument, rate, block)) {
            float[] refL = new float[frames], refR = new float[frames], outL = new float[frames], outR = new float[frames];
            int next = 0, most = 0;
            for (int at = 0; at < frames; at += block) {
                int n = Math.min(block, frames - at);
                while (next < events.size() && events.get(next)[0] < at + n) {
                    int[] e = events.get(next++);
                    for (SynthEngine s : new SynthEngine[]{reference, candidate}) {
                        int offset = e[0] - at;
                        switch (e[1]) {
                            case 0 -> s.noteOn(offset, e[2], e[3]);
                            case 1 -> s.noteOff(offset, e[2]);
                            case 2 -> s.sustain(offset, e[3] != 0);
                            default -> s.allNotesOff(offset);
                        }
                    }
                }
                reference.process(refL, refR, at, n);
                candidate.process(outL, outR, at, n);
                most = Math.max(most, reference.activeVoices());
            }
            double peak = 0, diff = 0;
            for (int i = 0; i < frames; i++) {
                peak = Math.max(peak, Math.abs(refL[i]));
                diff = Math.max(diff, Math.max(Math.abs(refL[i] - outL[i]), Math.abs(refR[i] - outR[i])));
            }
            return new Outcome(diff / Math.max(1, peak), most);
        }
    }

    static InstrumentSettings instrument(SplittableRandom rnd, int rate, int voices) {
        Waveform[] waves = Waveform.values();
        List<OscillatorSettings> oscillators = new ArrayList<>();
        int count = 1 + rnd.nextInt(2);
        for (int o = 0; o < count; o++) {
            oscillators.add(new OscillatorSettings(waves[rnd.nextInt(waves.length)], rnd.nextDouble(-50, 50), rnd.nextDouble(0, 1)));
        }
        EnvelopeSettings envelope = new EnvelopeSettings(seconds(rnd, 0.3), seconds(rnd, 0.5), rnd.nextDouble(0, 1), seconds(rnd, 0.6));
        double cutoff = rnd.nextInt(4) == 0 ? (rnd.nextBoolean() ? 20 : 0.45 * rate) : Math.exp(rnd.nextDouble(Math.log(20), Math.log(0.45 * rate)));
        double q = rnd.nextInt(5) == 0 ? 18 : rnd.nextDouble(0.1, 8);
        FilterSettings filter = new FilterSettings(rnd.nextInt(3) > 0, cutoff, q);
        return new InstrumentSettings(oscillators, envelope, filter, rnd.nextDouble(0.05, 2), voices);
    }

    /** Zero a fifth of the time (a segment that is skipped), else up to {@code max} seconds. */
    private static double seconds(SplittableRandom rnd, double max) {
        return rnd.nextInt(5) == 0 ? 0 : rnd.nextDouble(0.0005, max);
    }

    /** {frame, type (0 on, 1 off, 2 pedal, 3 all off), note, value}, sorted by frame. */
    static List<int[]> events(SplittableRandom rnd, int frames, int rate, boolean cluster) {
        List<int[]> events = new ArrayList<>();
        if (cluster) {
            int at = rnd.nextInt(rate / 10);
            int notes = 64 + rnd.nextInt(137);
            for (int i = 0; i < notes; i++) {
                events.add(new int[]{at + rnd.nextInt(64), 0, 12 + rnd.nextInt(110), 1 + rnd.nextInt(127)});
            }
        }
        int count = rnd.nextInt(4 + frames / (rate / 20));
        for (int i = 0; i < count; i++) {
            int frame = rnd.nextInt(frames);
            int kind = rnd.nextInt(20);
            if (kind < 11) {
                events.add(new int[]{frame, 0, rnd.nextInt(128), 1 + rnd.nextInt(127)});
            } else if (kind < 18) {
                events.add(new int[]{frame, 1, rnd.nextInt(128), 0});
            } else if (kind < 19) {
                events.add(new int[]{frame, 2, 0, rnd.nextInt(2)});
            } else {
                events.add(new int[]{frame, 3, 0, 0});
            }
        }
        events.sort((a, b) -> Integer.compare(a[0], b[0]));
        return events;
    }
}
