package cloud.dawg.dsp.mix;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.dsp.strip.CompressorSettings;
import cloud.dawg.dsp.strip.EqBand;
import cloud.dawg.dsp.strip.EqSettings;
import cloud.dawg.dsp.strip.InvalidParameterException;
import cloud.dawg.dsp.strip.StripSettings;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live-session behaviour every backend must share. */
class MixEngineTest {
    private static final int FS = 48000, BLOCK = 128;

    private static MixEngine engine(String backend, int capacity) {
        Backend b = Backends.byName(backend);
        Assumptions.assumeTrue(b.availability().available(), b.availability().reason());
        return new MixEngine(b, FS, BLOCK, capacity);
    }

    private static float[] constant(float v) {
        float[] a = new float[BLOCK];
        Arrays.fill(a, v);
        return a;
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd", "native"})
    void shouldNeverLetNanOrInfinityReachTheState(String backend) {
        try (MixEngine e = engine(backend, 3)) {
            StripSettings eqAndComp = StripSettings.DEFAULT
                    .withEq(new EqSettings(true, new EqBand(100, 12, 0.7), new EqBand(1000, 12, 4), new EqBand(8000, 12, 0.7)))
                    .withComp(new CompressorSettings(true, -30, 8));
            int t = e.addTrack(eqAndComp);
            float[] poison = constant(0.25f);
            poison[3] = Float.NaN;
            poison[7] = Float.POSITIVE_INFINITY;
            poison[9] = Float.NEGATIVE_INFINITY;
            e.writeInput(t, poison, constant(0.25f), 0, BLOCK);
            e.process(BLOCK);
            assertEquals(3, e.sanitisedSamples());
            assertEquals(3, e.sanitisedSamples(t));
            float[] l = new float[BLOCK], r = new float[BLOCK];
            for (int block = 0; block < 50; block++) {
                e.writeInput(t, constant(0.25f), constant(0.25f), 0, BLOCK);
                e.process(BLOCK);
                e.readMix(l, r, 0, BLOCK);
                for (int i = 0; i < BLOCK; i++) {
                    assertTrue(Float.isFinite(l[i]) && Float.isFinite(r[i]), "block " + block + " frame " + i);
                }
            }
            assertEquals(3, e.sanitisedSamples());
            assertEquals(0, e.stateResets());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd", "native"})
    void shouldCountReplacedSamplesPerTrackInWholeGroupsAndOddBlocks(String backend) {
        int block = 100; // not a multiple of any vector width: every kernel has a tail
        try (MixEngine e = new MixEngine(Backends.byName(backend), 48000, block, 20)) {
            int[] slots = new int[20];
            for (int t = 0; t < slots.length; t++) {
                slots[t] = e.addTrack(StripSettings.DEFAULT);
            }
            float[] clean = new float[block];
            Arrays.fill(clean, 0.25f);
            int[] poisoned = {0, 9, 17};
            int[] expected = new int[20];
            for (int round = 0; round < 3; round++) {
                for (int t = 0; t < slots.length; t++) {
                    float[] l = clean.clone(), r = clean.clone();
                    for (int p : poisoned) {
                        if (p == t) {
                            l[round * 7 + t % 8] = Float.NaN;        // inside the vector part
                            r[block - 1 - round] = Float.NEGATIVE_INFINITY; // in the tail
                            l[50] = Float.POSITIVE_INFINITY;
                            expected[t] += 3;
                        }
                    }
                    e.writeInput(slots[t], l, r, 0, block);
                }
                e.process(block);
                float[] ml = new float[block], mr = new float[block];
                e.readMix(ml, mr, 0, block);
                for (int i = 0; i < block; i++) {
                    assertTrue(Float.isFinite(ml[i]) && Float.isFinite(mr[i]), backend + " round " + round + " frame " + i);
                }
            }
            for (int t = 0; t < slots.length; t++) {
                assertEquals(expected[t], e.sanitisedSamples(slots[t]), backend + " track " + t);
            }
            assertEquals(27, e.sanitisedSamples());
            assertEquals(0, e.stateResets());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd", "native"})
    void shouldGiveTheSameTrackOutputsWithTheMasterSkippedAndLeaveTheRawSumAsTheMix(String backend) {
        StripSettings strip = StripSettings.DEFAULT.withGain(0.8)
                .withEq(new EqSettings(true, new EqBand(120, 6, 0.7), new EqBand(900, -4, 2), new EqBand(7000, 3, 0.7)))
                .withComp(new CompressorSettings(true, -20, 4));
        StripSettings master = StripSettings.DEFAULT.withGain(0.5).withComp(new CompressorSettings(true, -12, 3));
        try (MixEngine full = engine(backend, 2); MixEngine stemOnly = engine(backend, 2)) {
            for (MixEngine e : new MixEngine[]{full, stemOnly}) {
                e.addTrack(strip);
                e.addTrack(strip.withPan(-0.5f));
                e.setMaster(master);
            }
            stemOnly.processMaster(false);
            float[][] a = new float[4][BLOCK], b = new float[4][BLOCK];
            for (int block = 0; block < 200; block++) {
                float[] in = new float[BLOCK];
                for (int i = 0; i < BLOCK; i++) {
                    in[i] = (float) (0.7 * Math.sin((block * BLOCK + i) * 0.031) * Math.sin((block * BLOCK + i) * 0.0007));
                }
                for (MixEngine e : new MixEngine[]{full, stemOnly}) {
                    e.writeInput(0, in, in, 0, BLOCK);
                    e.writeInput(1, in, constant(0.1f), 0, BLOCK);
                    e.process(BLOCK);
                }
                for (int t = 0; t < 2; t++) {
                    full.readTrack(t, a[0], a[1], 0, BLOCK);
                    stemOnly.readTrack(t, b[0], b[1], 0, BLOCK);
                    assertTrue(Arrays.equals(a[0], b[0]) && Arrays.equals(a[1], b[1]), "track " + t + " block " + block);
                }
                full.readTrack(0, a[0], a[1], 0, BLOCK);
                full.readTrack(1, a[2], a[3], 0, BLOCK);
                stemOnly.readMix(b[0], b[1], 0, BLOCK);
                full.readMix(b[2], b[3], 0, BLOCK);
                for (int i = 0; i < BLOCK; i++) {
                    assertEquals(a[0][i] + a[2][i], b[0][i], 1e-6f, "the skipped master leaves the bus sum");
                }
                if (block > 20) {
                    assertTrue(Math.abs(b[2][BLOCK / 2]) < Math.abs(b[0][BLOCK / 2]) || b[0][BLOCK / 2] == 0,
                            "while the full engine's master halves it");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd", "native"})
    void shouldResetAStripWhoseStateOverflowsAndCarryOn(String backend) {
        try (MixEngine e = engine(backend, 2)) {
            StripSettings hot = StripSettings.DEFAULT.withGain(4)
                    .withEq(new EqSettings(true, new EqBand(100, 24, 0.7), new EqBand(1000, 24, 18), new EqBand(8000, 24, 0.7)));
            int t = e.addTrack(hot);
            e.writeInput(t, constant(3e38f), constant(-3e38f), 0, BLOCK); // finite, but the +72 dB EQ overflows
            e.process(BLOCK);
            if (!backend.equals("scalar")) { // double state holds 3e38 * 16 * 4; float state cannot
                assertTrue(e.stateResets() >= 1, "reset counted");
            }
            float[] l = new float[BLOCK], r = new float[BLOCK];
            for (int block = 0; block < 40; block++) {
                e.writeInput(t, constant(0.1f), constant(0.1f), 0, BLOCK);
                e.process(BLOCK);
            }
            e.readTrack(t, l, r, 0, BLOCK);
            for (float v : l) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd", "native"})
    void shouldRampAGainChangeLinearlyOverTwentyMilliseconds(String backend) {
        try (MixEngine e = engine(backend, 1)) {
            int t = e.addTrack(StripSettings.DEFAULT);
            float[] l = new float[BLOCK], r = new float[BLOCK];
            e.writeInput(t, constant(0.5f), constant(0.5f), 0, BLOCK);
            e.process(BLOCK);
            e.setStrip(t, StripSettings.DEFAULT.withGain(0.5));
            int ramp = e.rampFrames();
            assertEquals(960, ramp);
            float previous = 0.5f;
            float largestStep = 0;
            for (int frame = 0; frame < ramp + 2 * BLOCK; frame += BLOCK) {
                e.writeInput(t, constant(0.5f), constant(0.5f), 0, BLOCK);
                e.process(BLOCK);
                e.readTrack(t, l, r, 0, BLOCK);
                for (int i = 0; i < BLOCK; i++) {
                    largestStep = Math.max(largestStep, Math.abs(l[i] - previous));
                    previous = l[i];
                    int n = frame + i + 1;
                    float expected = n >= ramp ? 0.25f : (float) (0.5 * (1 - 0.5 * n / ramp));
                    assertEquals(expected, l[i], 2e-6f, "frame " + n);
                }
            }
            assertTrue(largestStep < 0.25f / ramp * 1.01f, "no step larger than the ramp's: " + largestStep);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd", "native"})
    void shouldFadeOutARemovedTrackAndFreeItsSlot(String backend) {
        try (MixEngine e = engine(backend, 2)) {
            int a = e.addTrack(StripSettings.DEFAULT);
            int b = e.addTrack(StripSettings.DEFAULT);
            float[] l = new float[BLOCK], r = new float[BLOCK];
            e.writeInput(a, constant(0.5f), constant(0.5f), 0, BLOCK);
            e.writeInput(b, constant(0.25f), constant(0.25f), 0, BLOCK);
            e.process(BLOCK);
            e.readMix(l, r, 0, BLOCK);
            assertEquals(0.75f, l[BLOCK - 1], 1e-6f);
            e.removeTrack(a);
            assertEquals(1, e.trackCount());
            assertThrows(IllegalArgumentException.class, () -> e.setStrip(a, StripSettings.DEFAULT));
            float last = 0.75f;
            int fadingBlocks = 0;
            for (int block = 0; block < 10; block++) {
                if (e.sounding(a)) {
                    fadingBlocks++;
                    e.writeInput(a, constant(0.5f), constant(0.5f), 0, BLOCK);
                }
                e.writeInput(b, constant(0.25f), constant(0.25f), 0, BLOCK);
                e.process(BLOCK);
                e.readMix(l, r, 0, BLOCK);
                for (float v : l) {
                    assertTrue(v <= last + 1e-6f && last - v < 0.5f / 960 * 1.01f, "a smooth fade, no jump: " + v + " after " + last);
                    last = v;
                }
            }
            assertEquals(0.25f, last, 1e-6f);
            assertEquals(8, fadingBlocks, "960 frames of fade take 7.5 blocks");
            assertThrows(IllegalArgumentException.class, () -> e.writeInput(a, l, r, 0, BLOCK));
            assertEquals(a, e.addTrack(StripSettings.DEFAULT), "the slot is free again");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd", "native"})
    void shouldSilenceUnsoloedTracksAndMuteWithoutClicks(String backend) {
        try (MixEngine e = engine(backend, 3)) {
            int a = e.addTrack(StripSettings.DEFAULT.withSolo(true));
            int b = e.addTrack(StripSettings.DEFAULT);
            int c = e.addTrack(StripSettings.DEFAULT.withMute(true));
            float[] l = new float[BLOCK], r = new float[BLOCK];
            for (int t : new int[]{a, b, c}) {
                e.writeInput(t, constant(0.1f), constant(0.1f), 0, BLOCK);
            }
            e.process(BLOCK);
            e.readMix(l, r, 0, BLOCK);
            assertEquals(0.1f, l[0], 1e-7f, "only the soloed track from the first frame");
            e.readTrack(b, l, r, 0, BLOCK);
            assertEquals(0f, l[0]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd", "native"})
    void shouldMeterPeakAndRmsAboutSixTimesASecond(String backend) {
        try (MixEngine e = engine(backend, 1)) {
            int t = e.addTrack(StripSettings.DEFAULT.withPan(1)); // hard right: L silent, R gets L + R
            float[] sine = new float[BLOCK];
            Meters m = e.meters();
            assertEquals(8000, m.windowFrames());
            long blocks = 0;
            while (m.windows() == 0) {
                for (int i = 0; i < BLOCK; i++) {
                    sine[i] = (float) (0.5 * Math.sin(2 * Math.PI * 1000 * (blocks * BLOCK + i) / FS));
                }
                e.writeInput(t, sine, sine, 0, BLOCK);
                e.process(BLOCK);
                blocks++;
            }
            assertEquals(63, blocks, "8000 frames fill the first window during block 63");
            assertEquals(0f, m.peakLeft(t), 1e-6f);
            assertEquals(1.0f, m.peakRight(t), 1e-3f);
            assertEquals(1.0 / Math.sqrt(2), m.rmsRight(t), 1e-3);
            assertEquals(1.0f, m.peakRight(m.masterIndex()), 1e-3f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"scalar", "simd", "native"})
    void shouldRejectOutOfRangeParametersWithTheFieldName(String backend) {
        try (MixEngine e = engine(backend, 1)) {
            int t = e.addTrack(StripSettings.DEFAULT);
            InvalidParameterException high = assertThrows(InvalidParameterException.class, () -> e.setStrip(t,
                    StripSettings.DEFAULT.withEq(new EqSettings(true, new EqBand(100, 0, 0.7), new EqBand(1000, 0, 1),
                            new EqBand(23000, 0, 0.7)))));
            assertEquals("eq.high.freq", high.field());
            assertEquals("gain", assertThrows(InvalidParameterException.class, () -> StripSettings.DEFAULT.withGain(-1)).field());
            assertThrows(IllegalStateException.class, () -> e.addTrack(StripSettings.DEFAULT), "capacity 1");
        }
    }
}
