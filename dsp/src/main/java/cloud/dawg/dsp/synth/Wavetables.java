package cloud.dawg.dsp.synth;

import cloud.dawg.dsp.backend.SynthLayout;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Band-limited, mip-mapped float32 wavetables: for each waveform, levels holding 2048, 1024,
 * ..., 1 harmonics, each {@value #SIZE} samples (plus one guard sample for interpolation).
 * A note plays from the richest level whose highest harmonic stays at or below half the sample
 * rate, so nothing aliases by construction; read with linear interpolation.
 *
 * <p>Why these numbers: 8192 samples for at most 2048 harmonics keeps four samples per period of
 * the highest harmonic, so linear interpolation's error stays near -100 dB of the
 * fundamental; octave-spaced levels cost each note at most the harmonics between fs/4 and fs/2
 * of the level's top pitch. Built once per sample rate, shared read-only by every voice,
 * instrument and backend (about 1.3 MB per rate).
 */
public final class Wavetables {
    public static final int BITS = SynthLayout.TABLE_BITS;
    public static final int SIZE = 1 << BITS;
    public static final int LEVELS = 12;
    /** Harmonics in level 0; level j holds {@code TOP_HARMONICS >> j}. */
    public static final int TOP_HARMONICS = SIZE / 4;
    /** Returned by {@link #level} for a pitch at or above Nyquist: the oscillator is silent. */
    public static final int SILENT = -1;

    private static final Map<Integer, Wavetables> BY_RATE = new ConcurrentHashMap<>();

    /** Floats per table in {@link #data()}: the table and its guard sample. */
    public static final int STRIDE = SIZE + 1;

    private final int sampleRate;
    /** Every table of every waveform end to end, then one silent table: what all backends read. */
    private final float[] data;

    private Wavetables(int sampleRate) {
        this.sampleRate = sampleRate;
        Waveform[] waves = Waveform.values();
        this.data = new float[(waves.length * LEVELS + 1) * STRIDE];
        for (Waveform w : waves) {
            float[][] levels = build(w);
            for (int level = 0; level < LEVELS; level++) {
                System.arraycopy(levels[level], 0, data, offset(w, level), STRIDE);
            }
        }
    }

    /** The tables for a sample rate, built on first use. */
    public static Wavetables forSampleRate(int sampleRate) {
        return BY_RATE.computeIfAbsent(sampleRate, Wavetables::new);
    }

    public int sampleRate() {
        return sampleRate;
    }

    /**
     * All tables in one array, read-only by contract: level {@code l} of waveform {@code w} starts
     * at {@link #offset}{@code (w, l)} and holds {@value #SIZE} + 1 samples, the last equal to the first.
     */
    public float[] data() {
        return data;
    }

    /** Where level {@code level} of {@code waveform} starts in {@link #data()}. */
    public static int offset(Waveform waveform, int level) {
        return (waveform.ordinal() * LEVELS + level) * STRIDE;
    }

    /** Where a table of zeros starts in {@link #data()}: read by silent and missing oscillators. */
    public static int silenceOffset() {
        return Waveform.values().length * LEVELS * STRIDE;
    }

    /** The richest level whose harmonics all stay at or below Nyquist for {@code frequency}, or {@link #SILENT}. */
    public int level(double frequency) {
        double nyquist = sampleRate / 2.0;
        for (int level = 0; level < LEVELS; level++) {
            if ((double) (TOP_HARMONICS >> level) * frequency <= nyquist) {
                return level;
            }
        }
        return SILENT;
    }

    /** Harmonics are added level by level from the top down: each level is the next one plus its extra band. */
    private static float[][] build(Waveform w) {
        float[][] levels = new float[LEVELS][];
        double[] sum = new double[SIZE];
        int done = 0;
        for (int level = LEVELS - 1; level >= 0; level--) {
            int harmonics = TOP_HARMONICS >> level;
            for (int k = done + 1; k <= harmonics; k++) {
                double a = w.harmonic(k);
                if (a == 0) {
                    continue;
                }
                // rotate a unit phasor by 2 pi k / SIZE per sample: no sin() per sample
                double c = Math.cos(2 * Math.PI * k / SIZE), s = Math.sin(2 * Math.PI * k / SIZE);
                double re = 1, im = 0;
                for (int i = 0; i < SIZE; i++) {
                    sum[i] += a * im;
                    double nre = re * c - im * s;
                    im = re * s + im * c;
                    re = nre;
                }
            }
            done = harmonics;
            float[] table = new float[SIZE + 1];
            for (int i = 0; i < SIZE; i++) {
                table[i] = (float) sum[i];
            }
            table[SIZE] = table[0];
            levels[level] = table;
        }
        return levels;
    }
}
