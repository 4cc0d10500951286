package cloud.dawg.dsp.synth;

import cloud.dawg.dsp.testing.Spectrum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynthEngineTest {
    private static final int FS = 48000, BLOCK = 128;

    private static InstrumentSettings instrument(Waveform wave, double detune, EnvelopeSettings env, int voices) {
        return new InstrumentSettings(List.of(new OscillatorSettings(wave, detune, 1)), env, FilterSettings.DEFAULT, 1, voices);
    }

    private static float[] render(SynthEngine s, int frames) {
        float[] l = new float[frames], r = new float[frames];
        for (int at = 0; at < frames; at += BLOCK) {
            s.process(l, r, at, Math.min(BLOCK, frames - at));
        }
        return l;
    }

    private static float[] sustained(Waveform wave, int note, double detune, int frames) {
        SynthEngine s = new SynthEngine(instrument(wave, detune, EnvelopeSettings.DEFAULT, 4), FS, BLOCK);
        s.noteOn(0, note, 100);
        return render(s, frames);
    }

    @Test
    void shouldPlayEveryPianoKeyWithinATenthOfACent() {
        for (double detune : new double[]{0, 37, -13.5}) {
            for (int note = 21; note <= 108; note++) {
                float[] out = sustained(Waveform.SAW, note, detune, 12000 + FS);
                double expected = 440 * Math.pow(2, (note - 69) / 12.0) * Math.pow(2, detune / 1200);
                double halfWidth = Math.min(0.005 * expected, 2.0); // inside the window's main lobe: one maximum
                double found = Spectrum.peakFrequency(out, 12000, FS, FS, expected - halfWidth, expected + halfWidth);
                double cents = 1200 * Math.log(found / expected) / Math.log(2);
                assertTrue(Math.abs(cents) < 0.1, "note " + note + " detune " + detune + ": " + cents + " cents off");
            }
        }
    }

    @Test
    void shouldKeepEveryNonHarmonicComponentOfASawBelowMinus90Decibels() {
        int n = 1 << 16;
        double binHz = (double) FS / n;
        for (double f : new double[]{30, 47.3, 110, 220.5, 440, 997, 1500, 2500, 3700, 4400, 5000}) {
            double semis = 12 * Math.log(f / 440) / Math.log(2);
            int note = 69 + (int) Math.floor(semis);
            double detune = (semis - Math.floor(semis)) * 100;
            float[] out = sustained(Waveform.SAW, note, detune, 12000 + n);
            double[] mag = Spectrum.magnitudes(out, 12000, n);
            double fundamental = 0;
            for (int k = (int) (f / binHz) - 3; k <= (int) (f / binHz) + 3; k++) {
                fundamental = Math.max(fundamental, mag[k]);
            }
            double limit = fundamental * Math.pow(10, -90 / 20.0);
            for (int k = 8; k < mag.length; k++) {
                double hz = k * binHz;
                double nearest = Math.round(hz / f) * f;
                if (Math.abs(hz - nearest) <= 8 * binHz && nearest > 0) {
                    continue; // a harmonic's main lobe
                }
                int bin = k;
                double db = 20 * Math.log10(mag[k] / fundamental);
                assertTrue(mag[k] <= limit, () -> "saw at " + f + " Hz: component at " + bin * binHz + " Hz is " + db + " dB");
            }
        }
    }

    @Test
    void shouldTimeAttackDecayAndReleaseWithinOneFrame() {
        EnvelopeSettings env = new EnvelopeSettings(0.01, 0.05, 0.5, 0.1);
        SynthEngine s = new SynthEngine(instrument(Waveform.SINE, 0, env, 4), FS, BLOCK);
        float[] l = new float[1], r = new float[1];
        s.noteOn(0, 60, 127);
        int frame = 0, attackEnd = -1, decayEnd = -1;
        while (decayEnd < 0) {
            s.process(l, r, 0, 1);
            frame++;
            double e = s.envelopeOf(60);
            if (attackEnd < 0 && e == 1.0) {
                attackEnd = frame;
            }
            if (attackEnd > 0 && e == 0.5) {
                decayEnd = frame;
            }
        }
        assertEquals(0.01 * FS, attackEnd, 1.0, "attack frames");
        assertEquals(0.05 * FS, decayEnd - attackEnd, 1.0, "decay frames");
        s.noteOff(0, 60);
        int releaseFrames = 0;
        while (s.isSounding(60)) {
            s.process(l, r, 0, 1);
            releaseFrames++;
        }
        assertEquals(0.1 * FS, releaseFrames, 1.0, "release frames");
    }

    @Test
    void shouldReleaseANoteEndedDuringItsAttackFromWhereItWas() {
        SynthEngine s = new SynthEngine(instrument(Waveform.SINE, 0, new EnvelopeSettings(0.1, 0.1, 0.8, 0.05), 4), FS, BLOCK);
        float[] l = new float[BLOCK], r = new float[BLOCK];
        s.noteOn(0, 60, 127);
        for (int i = 0; i < 10; i++) {
            s.process(l, r, 0, BLOCK);
        }
        double before = s.envelopeOf(60);
        assertEquals(1280.0 / (0.1 * FS), before, 1e-9, "a quarter of the way up");
        s.noteOff(0, 60);
        s.process(l, r, 0, 1);
        double after = s.envelopeOf(60);
        assertEquals(before - before / (0.05 * FS), after, 1e-12, "the release starts at the current level");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 17, 127})
    void shouldStartANoteExactlyAtItsFrameOffset(int offset) {
        SynthEngine a = new SynthEngine(InstrumentSettings.DEFAULT, FS, BLOCK);
        a.noteOn(offset, 64, 90);
        float[] outA = render(a, 4096);
        SynthEngine b = new SynthEngine(InstrumentSettings.DEFAULT, FS, BLOCK);
        float[] outB = new float[4096 + offset], r = new float[4096 + offset];
        if (offset > 0) {
            b.process(outB, r, 0, offset);
        }
        b.noteOn(0, 64, 90);
        for (int at = offset; at < 4096; at += BLOCK) {
            b.process(outB, r, at, Math.min(BLOCK, 4096 - at));
        }
        for (int i = 0; i < offset; i++) {
            assertEquals(0f, outA[i], "silent before frame " + offset);
        }
        assertArrayEquals(java.util.Arrays.copyOfRange(outB, 0, 4096), outA, "the same note, started " + offset + " frames in");
        assertTrue(outA[offset + 1] != 0f, "sounding right after the offset");
    }

    @Test
    void shouldStealTheOldestReleasingVoiceThenTheOldest() {
        SynthEngine s = new SynthEngine(instrument(Waveform.SAW, 0, new EnvelopeSettings(0.001, 0.01, 0.8, 2.0), 4), FS, BLOCK);
        float[] l = new float[BLOCK], r = new float[BLOCK];
        for (int n = 60; n <= 63; n++) {
            s.noteOn(0, n, 100);
            s.process(l, r, 0, BLOCK);
        }
        s.noteOff(0, 62);
        s.noteOff(0, 61);
        s.process(l, r, 0, BLOCK);
        s.noteOn(0, 64, 100); // 61 and 62 release; 61 started first
        s.process(l, r, 0, BLOCK);
        assertFalse(s.isSounding(61));
        assertTrue(s.isSounding(60) && s.isSounding(62) && s.isSounding(63) && s.isSounding(64));
        s.noteOn(0, 65, 100); // 62 is the only releasing voice left
        s.process(l, r, 0, BLOCK);
        assertFalse(s.isSounding(62));
        s.noteOn(0, 66, 100); // nothing releasing: the oldest, 60
        s.process(l, r, 0, BLOCK);
        assertFalse(s.isSounding(60));
        assertTrue(s.isSounding(63) && s.isSounding(64) && s.isSounding(65) && s.isSounding(66));
        assertEquals(4, s.activeVoices());
    }

    @Test
    void shouldNeverDropTheNewestNoteNorAllocateWhenNotesOutnumberVoices() {
        SynthEngine s = new SynthEngine(instrument(Waveform.SAW, 0, EnvelopeSettings.DEFAULT, 8), FS, BLOCK);
        float[] l = new float[BLOCK], r = new float[BLOCK];
        for (int i = 0; i < 200; i++) { // warm up the JIT
            s.noteOn(i % BLOCK, 30 + i % 60, 100);
            s.process(l, r, 0, BLOCK);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 500; i++) {
            int note = 30 + (i * 7) % 60;
            s.noteOn(i % BLOCK, note, 100);
            s.noteOn((i * 3) % BLOCK, 100 - note % 40, 90);
            s.process(l, r, 0, BLOCK);
            assertTrue(s.isSounding(note), "the newest note sounds");
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(8, s.activeVoices());
        assertEquals(0, allocated, "bytes allocated while stealing");
    }

    /** Largest sample-to-sample step of a signal over [from, to). */
    private static double largestStep(float[] x, int from, int to) {
        double step = 0;
        for (int i = Math.max(1, from); i < to; i++) {
            step = Math.max(step, Math.abs(x[i] - x[i - 1]));
        }
        return step;
    }

    @Test
    void shouldNotClickWhenAVoiceIsStolen() {
        // sines: a cut would step by up to 0.8, far above either note's own slope
        InstrumentSettings one = instrument(Waveform.SINE, 0, new EnvelopeSettings(0.002, 0.05, 0.8, 0.2), 1);
        int frames = FS / 2 / BLOCK * BLOCK;
        int steal = 10000 + 37;
        SynthEngine s = new SynthEngine(one, FS, BLOCK);
        s.noteOn(0, 57, 127);
        float[] out = new float[frames], r = new float[frames];
        for (int at = 0; at < frames; at += BLOCK) {
            if (steal >= at && steal < at + BLOCK) {
                s.noteOn(steal - at, 76, 127);
            }
            s.process(out, r, at, BLOCK);
        }
        SynthEngine newAlone = new SynthEngine(one, FS, BLOCK);
        newAlone.noteOn(0, 76, 127);
        float[] newNote = render(newAlone, 4096);
        double ownOld = largestStep(out, 5000, steal);
        double ownNew = largestStep(newNote, 0, 4096);
        double atSteal = largestStep(out, steal - 4, steal + 400);
        assertTrue(atSteal <= ownOld + ownNew, "step at the steal " + atSteal + " vs the notes' own " + ownOld + " + " + ownNew);
        assertTrue(atSteal < 0.1, "no jump: " + atSteal);
    }

    @Test
    void shouldHoldReleasedNotesWhileTheSustainPedalIsDown() {
        SynthEngine s = new SynthEngine(InstrumentSettings.DEFAULT, FS, BLOCK);
        float[] l = new float[BLOCK], r = new float[BLOCK];
        s.sustain(0, true);
        s.noteOn(0, 60, 100);
        s.noteOff(10, 60);
        for (int i = 0; i < 100; i++) {
            s.process(l, r, 0, BLOCK);
        }
        assertEquals(0.8, s.envelopeOf(60), 1e-12, "held at sustain level after note-off");
        s.sustain(0, false);
        s.process(l, r, 0, BLOCK);
        assertTrue(s.envelopeOf(60) < 0.8, "released when the pedal lifts");
        s.noteOn(0, 62, 100);
        s.allNotesOff(5);
        s.process(l, r, 0, BLOCK);
        assertTrue(s.envelopeOf(62) < 0.8);
    }
}
