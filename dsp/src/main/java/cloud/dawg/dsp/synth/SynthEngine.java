package cloud.dawg.dsp.synth;

import cloud.dawg.dsp.strip.InvalidParameterException;

import java.util.Arrays;

/**
 * One instrument: a preallocated pool of voices playing note events at their exact frame inside
 * a block. This is the reference (scalar, double precision) implementation of the synth voice
 * in docs/DSP.md; the SIMD and native synth kernels will share its voice allocation.
 *
 * <p>Per voice: up to two oscillators reading the shared band-limited {@link Wavetables} with a
 * pinned 32-bit phase ({@code step = round(f / fs * 2^32)}, wrapping), optional trapezoidal SVF
 * low-pass, linear ADSR, times velocity / 127 and the instrument gain, the same on both sides.
 * A new note takes a free voice, else steals the oldest releasing voice, else the oldest
 * voice; a stolen voice keeps sounding in a shadow slot while it fades out over 2 ms, so the
 * newest note always plays and nothing clicks.
 *
 * <p>Queue events for the next block ({@link #noteOn}, {@link #noteOff}, {@link #sustain},
 * {@link #allNotesOff}), then {@link #process}. Nothing allocates after construction.
 */
public final class SynthEngine {
    public static final double STEAL_FADE_SECONDS = 0.002;
    private static final int OFF = 0, ATTACK = 1, DECAY = 2, SUSTAIN = 3, RELEASE = 4, FADING = 5;
    private static final int NOTE_ON = 0, NOTE_OFF = 1, PEDAL = 2, ALL_OFF = 3;
    private static final int PHASE_SHIFT = 32 - Wavetables.BITS;
    private static final double PHASE_FRACTION = 1.0 / (1 << PHASE_SHIFT);
    private static final double FLUSH_BELOW = 1e-30;
    /** Read in place of a missing or silent oscillator's table (its level is then 0 too). */
    private static final float[] SILENCE = new float[Wavetables.SIZE + 1];

    private final int sampleRate;
    private final int maxBlock;
    private final InstrumentSettings instrument;
    private final Wavetables tables;
    private final int oscillators;
    private final Waveform[] wave;
    private final double[] oscLevel;
    private final double svfA1, svfA2, svfA3;
    private final boolean filtered;
    private final double attackStep, decayStep, sustainLevel, releaseFrames;
    private final int fadeFrames;

    // Slots, structure of arrays: 0..voices-1 are the voices, voices + v is voice v's shadow, where a
    // stolen note fades out (stage FADING, envelope frozen). Oscillator state is at [osc * slots + slot].
    private final int voices, slots;
    private final int[] stage, note;
    private final long[] age;
    private final boolean[] held;
    private final int[] phase, step;
    /** Per oscillator and slot, the table level it reads (null: silent, above Nyquist). */
    private final float[][] table;
    private final double[] env, releaseStep, velocity, ic1, ic2, fade;

    private long notesStarted;
    private boolean pedalDown;

    // event queue for the next block
    private final int[] eventOffset, eventType, eventNote, eventValue;
    private int events;

    private final double[] mix;

    public SynthEngine(InstrumentSettings instrument, int sampleRate, int maxBlock) {
        instrument.validateFor(sampleRate);
        if (maxBlock < 16 || maxBlock > 8192) {
            throw new InvalidParameterException("blockSize", maxBlock + " is outside 16..8192");
        }
        this.sampleRate = sampleRate;
        this.maxBlock = maxBlock;
        this.instrument = instrument;
        this.tables = Wavetables.forSampleRate(sampleRate);
        this.oscillators = instrument.oscillators().size();
        this.wave = new Waveform[oscillators];
        this.oscLevel = new double[oscillators];
        for (int o = 0; o < oscillators; o++) {
            wave[o] = instrument.oscillators().get(o).wave();
            oscLevel[o] = instrument.oscillators().get(o).level();
        }
        FilterSettings f = instrument.filter();
        this.filtered = f.active();
        double g = Math.tan(Math.PI * f.cutoffHz() / sampleRate), k = 1 / f.q();
        this.svfA1 = 1 / (1 + g * (g + k));
        this.svfA2 = g * svfA1;
        this.svfA3 = g * svfA2;
        EnvelopeSettings e = instrument.envelope();
        this.attackStep = e.attack() > 0 ? 1 / (e.attack() * sampleRate) : Double.POSITIVE_INFINITY;
        this.decayStep = e.decay() > 0 ? (1 - e.sustain()) / (e.decay() * sampleRate) : Double.POSITIVE_INFINITY;
        this.sustainLevel = e.sustain();
        this.releaseFrames = e.release() * sampleRate;
        this.fadeFrames = Math.max(1, (int) Math.round(STEAL_FADE_SECONDS * sampleRate));

        voices = instrument.maxVoices();
        slots = 2 * voices;
        stage = new int[slots];
        note = new int[slots];
        age = new long[slots];
        held = new boolean[slots];
        phase = new int[2 * slots];
        step = new int[2 * slots];
        table = new float[2 * slots][];
        env = new double[slots];
        releaseStep = new double[slots];
        velocity = new double[slots];
        ic1 = new double[slots];
        ic2 = new double[slots];
        fade = new double[slots];
        int queue = Math.max(256, 4 * voices);
        eventOffset = new int[queue];
        eventType = new int[queue];
        eventNote = new int[queue];
        eventValue = new int[queue];
        mix = new double[maxBlock];
    }

    public InstrumentSettings instrument() { return instrument; }
    public int sampleRate() { return sampleRate; }

    /** Starts {@code note} (0..127) with {@code velocity} (1..127; 0 means note-off, as in MIDI) at frame {@code offset} of the next block. */
    public void noteOn(int offset, int note, int velocity) {
        checkNote(note);
        if (velocity < 0 || velocity > 127) {
            throw new InvalidParameterException("velocity", velocity + " is outside 0..127");
        }
        enqueue(offset, velocity == 0 ? NOTE_OFF : NOTE_ON, note, velocity);
    }

    /** Releases every voice playing {@code note} at frame {@code offset} (held on while the sustain pedal is down). */
    public void noteOff(int offset, int note) {
        checkNote(note);
        enqueue(offset, NOTE_OFF, note, 0);
    }

    /** The sustain pedal (MIDI CC 64): while down, released notes keep sounding until it lifts. */
    public void sustain(int offset, boolean down) {
        enqueue(offset, PEDAL, 0, down ? 1 : 0);
    }

    /** Releases every sounding voice. */
    public void allNotesOff(int offset) {
        enqueue(offset, ALL_OFF, 0, 0);
    }

    /** Voices sounding (attack to release), not counting stolen voices fading out. */
    public int activeVoices() {
        int n = 0;
        for (int v = 0; v < voices; v++) {
            n += stage[v] != OFF ? 1 : 0;
        }
        return n;
    }

    /** Whether some voice is playing {@code note} (in any stage but off). */
    public boolean isSounding(int note) {
        for (int v = 0; v < voices; v++) {
            if (stage[v] != OFF && this.note[v] == note) {
                return true;
            }
        }
        return false;
    }

    /** The envelope level of the (newest) voice playing {@code note}, or -1: for tests. */
    double envelopeOf(int note) {
        int found = -1;
        for (int v = 0; v < voices; v++) {
            if (stage[v] != OFF && this.note[v] == note && (found < 0 || age[v] > age[found])) {
                found = v;
            }
        }
        return found < 0 ? -1 : env[found];
    }

    /** Renders the next block, applying the queued events at their frames; left and right are equal. */
    public void process(float[] left, float[] right, int toIndex, int frames) {
        if (frames < 1 || frames > maxBlock) {
            throw new IllegalArgumentException("a block has 1.." + maxBlock + " frames, got " + frames);
        }
        for (int i = 0; i < events; i++) {
            if (eventOffset[i] >= frames) {
                int bad = eventOffset[i];
                events = 0;
                throw new InvalidParameterException("offset", "event at frame " + bad + " is outside this " + frames + "-frame block");
            }
        }
        sortEvents();
        Arrays.fill(mix, 0, frames, 0);
        int at = 0;
        for (int i = 0; i < events; i++) {
            render(at, eventOffset[i]);
            at = eventOffset[i];
            apply(eventType[i], eventNote[i], eventValue[i]);
        }
        events = 0;
        render(at, frames);
        for (int i = 0; i < frames; i++) {
            float s = (float) mix[i];
            left[toIndex + i] = s;
            right[toIndex + i] = s;
        }
        flushTinyState();
    }

    // ---- events ----

    private void enqueue(int offset, int type, int note, int value) {
        if (offset < 0 || offset >= maxBlock) {
            throw new InvalidParameterException("offset", offset + " is outside 0.." + (maxBlock - 1));
        }
        if (events == eventType.length) {
            throw new IllegalStateException("more than " + eventType.length + " events in one block");
        }
        eventOffset[events] = offset;
        eventType[events] = type;
        eventNote[events] = note;
        eventValue[events] = value;
        events++;
    }

    private static void checkNote(int note) {
        if (note < 0 || note > 127) {
            throw new InvalidParameterException("note", note + " is outside 0..127");
        }
    }

    /** Stable insertion sort by offset: events at the same frame keep their order. */
    private void sortEvents() {
        for (int i = 1; i < events; i++) {
            int o = eventOffset[i], t = eventType[i], n = eventNote[i], v = eventValue[i];
            int j = i - 1;
            while (j >= 0 && eventOffset[j] > o) {
                eventOffset[j + 1] = eventOffset[j];
                eventType[j + 1] = eventType[j];
                eventNote[j + 1] = eventNote[j];
                eventValue[j + 1] = eventValue[j];
                j--;
            }
            eventOffset[j + 1] = o;
            eventType[j + 1] = t;
            eventNote[j + 1] = n;
            eventValue[j + 1] = v;
        }
    }

    private void apply(int type, int n, int value) {
        switch (type) {
            case NOTE_ON -> start(n, value);
            case NOTE_OFF -> {
                for (int v = 0; v < voices; v++) {
                    if (note[v] == n && stage[v] != OFF && stage[v] != RELEASE && !held[v]) {
                        if (pedalDown) {
                            held[v] = true;
                        } else {
                            release(v);
                        }
                    }
                }
            }
            case PEDAL -> {
                pedalDown = value != 0;
                if (!pedalDown) {
                    for (int v = 0; v < voices; v++) {
                        if (held[v]) {
                            held[v] = false;
                            release(v);
                        }
                    }
                }
            }
            default -> {
                for (int v = 0; v < voices; v++) {
                    held[v] = false;
                    if (stage[v] != OFF && stage[v] != RELEASE) {
                        release(v);
                    }
                }
            }
        }
    }

    private void start(int n, int vel) {
        int v = pickVoice();
        if (stage[v] != OFF) {
            shadow(v);
        }
        note[v] = n;
        age[v] = ++notesStarted;
        held[v] = false;
        velocity[v] = vel / 127.0;
        ic1[v] = 0;
        ic2[v] = 0;
        fade[v] = 1;
        for (int o = 0; o < oscillators; o++) {
            double f = 440 * Math.pow(2, (n - 69) / 12.0) * Math.pow(2, instrument.oscillators().get(o).detuneCents() / 1200);
            int i = o * slots + v;
            phase[i] = 0;
            step[i] = (int) Math.round(f / sampleRate * 4294967296.0);
            int lvl = tables.level(f);
            table[i] = lvl == Wavetables.SILENT ? null : tables.table(wave[o], lvl);
        }
        if (attackStep != Double.POSITIVE_INFINITY) {
            stage[v] = ATTACK;
            env[v] = 0;
        } else if (decayStep != Double.POSITIVE_INFINITY) {
            stage[v] = DECAY;
            env[v] = 1;
        } else {
            stage[v] = SUSTAIN;
            env[v] = sustainLevel;
        }
    }

    /** A free voice, else the oldest releasing one, else the oldest. */
    private int pickVoice() {
        int oldestReleasing = -1, oldest = 0;
        for (int v = 0; v < voices; v++) {
            if (stage[v] == OFF) {
                return v;
            }
            if (stage[v] == RELEASE && (oldestReleasing < 0 || age[v] < age[oldestReleasing])) {
                oldestReleasing = v;
            }
            if (age[v] < age[oldest]) {
                oldest = v;
            }
        }
        return oldestReleasing >= 0 ? oldestReleasing : oldest;
    }

    /** Moves a stolen voice into its shadow slot to fade out (replacing a shadow still fading there). */
    private void shadow(int v) {
        int sh = voices + v;
        for (int o = 0; o < oscillators; o++) {
            phase[o * slots + sh] = phase[o * slots + v];
            step[o * slots + sh] = step[o * slots + v];
            table[o * slots + sh] = table[o * slots + v];
        }
        stage[sh] = FADING;
        note[sh] = note[v];
        env[sh] = env[v];
        velocity[sh] = velocity[v];
        ic1[sh] = ic1[v];
        ic2[sh] = ic2[v];
        fade[sh] = 1;
    }

    private void release(int v) {
        if (releaseFrames <= 0) {
            stage[v] = OFF;
            env[v] = 0;
            return;
        }
        stage[v] = RELEASE;
        releaseStep[v] = env[v] / releaseFrames;
    }

    // ---- rendering ----

    private void render(int from, int to) {
        if (from >= to) {
            return;
        }
        for (int slot = 0; slot < slots; slot++) {
            if (stage[slot] != OFF) {
                renderSlot(slot, from, to);
            }
        }
    }

    /** One table read with linear interpolation at a 32-bit phase (top bits index, rest fraction). */
    private static double read(float[] t, int p) {
        int index = p >>> PHASE_SHIFT;
        double a = t[index];
        return a + (t[index + 1] - a) * ((p & ((1 << PHASE_SHIFT) - 1)) * PHASE_FRACTION);
    }

    /** Renders a voice or a shadow: oscillators, filter, envelope (frozen while fading) and fade. */
    private void renderSlot(int v, int from, int to) {
        final double gain = instrument.gain() * velocity[v];
        final double fadeStep = 1.0 / fadeFrames;
        // both oscillators in locals for the span; a missing or silent one has level 0 and a table of zeros
        final int i0 = v, i1 = slots + v;
        final float[] t0 = table[i0] != null ? table[i0] : SILENCE;
        final float[] t1 = oscillators > 1 && table[i1] != null ? table[i1] : SILENCE;
        final double l0 = oscLevel[0], l1 = oscillators > 1 ? oscLevel[1] : 0;
        final int s0 = step[i0], s1 = oscillators > 1 ? step[i1] : 0;
        int p0 = phase[i0], p1 = oscillators > 1 ? phase[i1] : 0;
        double e = env[v], c1 = ic1[v], c2 = ic2[v], f = fade[v];
        int st = stage[v];
        for (int i = from; i < to; i++) {
            switch (st) {
                case ATTACK -> {
                    e += attackStep;
                    if (e >= 1) {
                        e = 1;
                        st = decayStep == Double.POSITIVE_INFINITY ? SUSTAIN : DECAY;
                        if (st == SUSTAIN) {
                            e = sustainLevel;
                        }
                    }
                }
                case DECAY -> {
                    e -= decayStep;
                    if (e <= sustainLevel) {
                        e = sustainLevel;
                        st = SUSTAIN;
                    }
                }
                case RELEASE -> {
                    e -= releaseStep[v];
                    if (e <= 0) {
                        e = 0;
                        st = OFF;
                    }
                }
                case FADING -> {
                    f = Math.max(0, f - fadeStep);
                    if (f == 0) {
                        st = OFF;
                    }
                }
                default -> { }
            }
            double x = l0 * read(t0, p0) + l1 * read(t1, p1);
            p0 += s0; // wraps mod 2^32: the pinned phase
            p1 += s1;
            if (filtered) {
                double v3 = x - c2;
                double v1 = svfA1 * c1 + svfA2 * v3;
                double v2 = c2 + svfA2 * c1 + svfA3 * v3;
                c1 = 2 * v1 - c1;
                c2 = 2 * v2 - c2;
                x = v2;
            }
            mix[i] += x * e * gain * f; // f is exactly 1 except while fading
            if (st == OFF) {
                break;
            }
        }
        phase[i0] = p0;
        if (oscillators > 1) {
            phase[i1] = p1;
        }
        env[v] = e;
        ic1[v] = c1;
        ic2[v] = c2;
        fade[v] = f;
        stage[v] = st;
    }

    private void flushTinyState() {
        for (int v = 0; v < slots; v++) {
            if (Math.abs(ic1[v]) < FLUSH_BELOW) {
                ic1[v] = 0;
            }
            if (Math.abs(ic2[v]) < FLUSH_BELOW) {
                ic2[v] = 0;
            }
        }
    }
}
