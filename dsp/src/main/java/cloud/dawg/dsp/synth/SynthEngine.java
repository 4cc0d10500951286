package cloud.dawg.dsp.synth;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.BackendChain;
import cloud.dawg.dsp.backend.SynthKernel;
import cloud.dawg.dsp.backend.SynthLayout;
import cloud.dawg.dsp.backend.scalar.ScalarBackend;
import cloud.dawg.dsp.strip.InvalidParameterException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static cloud.dawg.dsp.backend.SynthLayout.*;

/**
 * One instrument: a preallocated pool of voices playing note events at their exact frame inside
 * a block, rendered by one backend's {@link SynthKernel} (the synth voice of docs/DSP.md). The
 * engine owns the pool and the events, the same for every backend; the kernel renders.
 *
 * <p>Per voice: up to two oscillators reading the shared band-limited {@link Wavetables} with a
 * pinned 32-bit phase ({@code step = round(f / fs * 2^32)}, wrapping), optional trapezoidal SVF
 * low-pass, linear ADSR whose segments last whole frames, times velocity / 127 and the
 * instrument gain, the same on both sides.
 * A new note takes a free voice, else steals the oldest releasing voice, else the oldest
 * voice; a stolen voice keeps sounding in a shadow slot while it fades out over 2 ms, so the
 * newest note always plays and nothing clicks.
 *
 * <p>Queue events for the next block ({@link #noteOn}, {@link #noteOff}, {@link #sustain},
 * {@link #allNotesOff}), then {@link #process}. Nothing allocates after construction.
 */
public final class SynthEngine implements AutoCloseable {
    public static final double STEAL_FADE_SECONDS = 0.002;
    private static final int NOTE_ON = 0, NOTE_OFF = 1, PEDAL = 2, ALL_OFF = 3;

    private final int sampleRate;
    private final int maxBlock;
    private final InstrumentSettings instrument;
    private final Wavetables tables;
    private final Waveform[] wave;
    private final double[] detune;
    private final int attackFrames, releaseFrames, fadeFrames;
    private final double sustainLevel;

    private final SynthLayout layout;
    private final BackendChain chain;
    private Backend backend;
    private SynthKernel kernel;
    private int fallbacks;
    /** The voice state at the start of the block, kept while a fallback backend exists (see {@link #process}). */
    private final SynthLayout.Snapshot snapshot;
    private final int[] noteBefore;
    private final long[] ageBefore;
    private final boolean[] heldBefore;
    private long notesStartedBefore;
    private boolean pedalDownBefore;
    // Allocation state, per voice (slots voices..2*voices-1 are the shadows, which only fade out).
    private final int voices;
    private final int[] note;
    private final long[] age;
    private final boolean[] held;
    private long notesStarted;
    private boolean pedalDown;

    // event queue for the next block
    private final int[] eventOffset, eventType, eventNote, eventValue;
    private int events;

    /** An instrument on the reference (scalar) backend. */
    public SynthEngine(InstrumentSettings instrument, int sampleRate, int maxBlock) {
        this(new ScalarBackend(), instrument, sampleRate, maxBlock);
    }

    public SynthEngine(Backend backend, InstrumentSettings instrument, int sampleRate, int maxBlock) {
        this(BackendChain.only(backend), instrument, sampleRate, maxBlock);
    }

    /**
     * An instrument on the chain's first backend that moves to the next one when a backend throws
     * or produces non-finite output: the block is rendered again from the voice state it started
     * with (phases, envelopes and filters carry over), so the stream goes on exactly.
     */
    public SynthEngine(BackendChain chain, InstrumentSettings instrument, int sampleRate, int maxBlock) {
        Backend backend = chain.first();
        instrument.validateFor(sampleRate);
        if (maxBlock < 16 || maxBlock > 8192) {
            throw new InvalidParameterException("blockSize", maxBlock + " is outside 16..8192");
        }
        this.sampleRate = sampleRate;
        this.maxBlock = maxBlock;
        this.instrument = instrument;
        this.tables = Wavetables.forSampleRate(sampleRate);
        int oscillators = instrument.oscillators().size();
        this.wave = new Waveform[oscillators];
        this.detune = new double[oscillators];
        for (int o = 0; o < oscillators; o++) {
            wave[o] = instrument.oscillators().get(o).wave();
            detune[o] = instrument.oscillators().get(o).detuneCents();
        }
        EnvelopeSettings e = instrument.envelope();
        this.attackFrames = frames(e.attack());
        int decayFrames = frames(e.decay());
        this.sustainLevel = e.sustain();
        this.releaseFrames = frames(e.release());
        this.fadeFrames = Math.max(1, frames(STEAL_FADE_SECONDS));

        voices = instrument.maxVoices();
        layout = new SynthLayout(voices, maxBlock);
        layout.setConstant(C_OSCILLATORS, oscillators);
        layout.setConstant(C_LEVEL0, instrument.oscillators().get(0).level());
        layout.setConstant(C_LEVEL1, oscillators > 1 ? instrument.oscillators().get(1).level() : 0);
        FilterSettings f = instrument.filter();
        double g = Math.tan(Math.PI * f.cutoffHz() / sampleRate), k = 1 / f.q();
        double a1 = 1 / (1 + g * (g + k));
        layout.setConstant(C_FILTERED, f.active() ? 1 : 0);
        layout.setConstant(C_SVF_A1, a1);
        layout.setConstant(C_SVF_A2, g * a1);
        layout.setConstant(C_SVF_A3, g * g * a1);
        layout.setConstant(C_DECAY_FRAMES, decayFrames);
        layout.setConstant(C_DECAY_SLOPE, decayFrames > 0 ? -(1 - sustainLevel) / decayFrames : 0);
        layout.setConstant(C_SUSTAIN, sustainLevel);
        int silence = Wavetables.silenceOffset();
        for (int row = 0; row < layout.rows(); row++) {
            layout.setInt(I_TABLE, row, silence);
            layout.setInt(I_TABLE + 1, row, silence);
        }
        note = new int[voices];
        age = new long[voices];
        held = new boolean[voices];
        int queue = Math.max(256, 4 * voices);
        eventOffset = new int[queue];
        eventType = new int[queue];
        eventNote = new int[queue];
        eventValue = new int[queue];
        boolean canFallBack = chain.hasNext(backend);
        snapshot = canFallBack ? layout.snapshot() : null;
        noteBefore = canFallBack ? new int[voices] : null;
        ageBefore = canFallBack ? new long[voices] : null;
        heldBefore = canFallBack ? new boolean[voices] : null;
        try {
            kernel = backend.openSynth(layout, tables.data());
        } catch (RuntimeException | Error failure) {
            layout.close();
            throw failure;
        }
        this.chain = chain;
        this.backend = backend;
    }

    /** A duration in whole frames: envelope segments start and end on frames, the same in every backend. */
    private int frames(double seconds) {
        return (int) Math.round(seconds * sampleRate);
    }

    public InstrumentSettings instrument() { return instrument; }
    public int sampleRate() { return sampleRate; }
    /** The backend rendering the voices. */
    public String backend() { return backend.name(); }
    /** Times this instrument moved to a fallback backend. */
    public int fallbacks() { return fallbacks; }

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

    private int stage(int slot) {
        return layout.getInt(I_STAGE, slot);
    }

    /** Voices sounding (attack to release), not counting stolen voices fading out. */
    public int activeVoices() {
        int n = 0;
        for (int v = 0; v < voices; v++) {
            n += stage(v) != OFF ? 1 : 0;
        }
        return n;
    }

    /** Whether some voice is playing {@code note} (in any stage but off). */
    public boolean isSounding(int note) {
        for (int v = 0; v < voices; v++) {
            if (stage(v) != OFF && this.note[v] == note) {
                return true;
            }
        }
        return false;
    }

    /** The envelope level of the (newest) voice playing {@code note}, or -1: for tests. */
    double envelopeOf(int note) {
        int found = -1;
        for (int v = 0; v < voices; v++) {
            if (stage(v) != OFF && this.note[v] == note && (found < 0 || age[v] > age[found])) {
                found = v;
            }
        }
        return found < 0 ? -1 : layout.level(found);
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
        if (snapshot == null) {
            renderBlock(frames);
        } else {
            keep();
            try {
                renderBlock(frames);
                requireFiniteOutput(frames);
            } catch (RuntimeException failure) {
                Backend next = chain.next("synth", backend, failure);
                restore();
                SynthKernel replacement = next.openSynth(layout, tables.data());
                kernel.close();
                kernel = replacement;
                layout.carryFilterState(backend.capabilities().precisionBits() > 32, next.capabilities().precisionBits() > 32);
                backend = next;
                fallbacks++;
                renderBlock(frames);
            }
        }
        events = 0;
        MemorySegment out = layout.out();
        MemorySegment.copy(out, ValueLayout.JAVA_FLOAT, 0, left, toIndex, frames);
        MemorySegment.copy(out, ValueLayout.JAVA_FLOAT, 0, right, toIndex, frames);
    }

    /** Applies the queued events at their frames and renders the block into the layout's output. */
    private void renderBlock(int frames) {
        int at = 0;
        for (int i = 0; i < events; i++) {
            if (eventOffset[i] > at) {
                kernel.render(at, eventOffset[i]);
                at = eventOffset[i];
            }
            apply(eventType[i], eventNote[i], eventValue[i]);
        }
        kernel.render(at, frames);
        kernel.finish(frames);
    }

    /** A kernel that lets NaN or infinity into the output is broken (voices alone cannot overflow): move on. */
    private void requireFiniteOutput(int frames) {
        MemorySegment out = layout.out();
        float poison = 0;
        for (int i = 0; i < frames; i++) {
            poison += out.getAtIndex(ValueLayout.JAVA_FLOAT, i) * 0f; // NaN once any sample is not finite
        }
        if (Float.isNaN(poison)) {
            throw new IllegalStateException("backend " + backend.name() + " produced a non-finite synth output");
        }
    }

    private void keep() {
        layout.save(snapshot);
        System.arraycopy(note, 0, noteBefore, 0, voices);
        System.arraycopy(age, 0, ageBefore, 0, voices);
        System.arraycopy(held, 0, heldBefore, 0, voices);
        notesStartedBefore = notesStarted;
        pedalDownBefore = pedalDown;
    }

    private void restore() {
        layout.restore(snapshot);
        System.arraycopy(noteBefore, 0, note, 0, voices);
        System.arraycopy(ageBefore, 0, age, 0, voices);
        System.arraycopy(heldBefore, 0, held, 0, voices);
        notesStarted = notesStartedBefore;
        pedalDown = pedalDownBefore;
    }

    @Override
    public void close() {
        kernel.close();
        layout.close();
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
                    if (note[v] == n && stage(v) != OFF && stage(v) != RELEASE && !held[v]) {
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
                    if (stage(v) != OFF && stage(v) != RELEASE) {
                        release(v);
                    }
                }
            }
        }
    }

    private void start(int n, int vel) {
        int v = pickVoice();
        if (stage(v) != OFF) {
            shadow(v);
        }
        note[v] = n;
        age[v] = ++notesStarted;
        held[v] = false;
        layout.setDouble(D_GAIN, v, instrument.gain() * (vel / 127.0));
        layout.setDouble(D_IC1, v, 0);
        layout.setDouble(D_IC2, v, 0);
        layout.setFloat(F_IC1, v, 0);
        layout.setFloat(F_IC2, v, 0);
        for (int o = 0; o < wave.length; o++) {
            double f = 440 * Math.pow(2, (n - 69) / 12.0) * Math.pow(2, detune[o] / 1200);
            int level = tables.level(f);
            layout.setInt(I_PHASE + o, v, 0);
            layout.setInt(I_STEP + o, v, (int) Math.round(f / sampleRate * 4294967296.0));
            layout.setInt(I_TABLE + o, v, level == Wavetables.SILENT ? Wavetables.silenceOffset() : Wavetables.offset(wave[o], level));
        }
        if (attackFrames > 0) {
            layout.beginSegment(v, ATTACK, 0, 1.0 / attackFrames, attackFrames);
        } else {
            // no attack: the decay (or sustain) starts at full level
            layout.beginSegment(v, ATTACK, 1.0, 0, 0);
            layout.endSegment(v);
        }
    }

    /** A free voice, else the oldest releasing one, else the oldest. */
    private int pickVoice() {
        int oldestReleasing = -1, oldest = 0;
        for (int v = 0; v < voices; v++) {
            int stage = stage(v);
            if (stage == OFF) {
                return v;
            }
            if (stage == RELEASE && (oldestReleasing < 0 || age[v] < age[oldestReleasing])) {
                oldestReleasing = v;
            }
            if (age[v] < age[oldest]) {
                oldest = v;
            }
        }
        return oldestReleasing >= 0 ? oldestReleasing : oldest;
    }

    /** Moves a stolen voice into its shadow slot to fade out from its current level (replacing a shadow still fading there). */
    private void shadow(int v) {
        int shadow = voices + v;
        layout.copySlot(v, shadow);
        double level = layout.level(v);
        layout.beginSegment(shadow, FADING, level, -level / fadeFrames, fadeFrames);
    }

    private void release(int v) {
        if (releaseFrames == 0) {
            layout.beginSegment(v, OFF, 0, 0, ENDLESS);
            return;
        }
        double level = layout.level(v);
        layout.beginSegment(v, RELEASE, level, -level / releaseFrames, releaseFrames);
    }
}
