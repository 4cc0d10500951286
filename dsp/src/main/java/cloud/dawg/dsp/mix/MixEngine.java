package cloud.dawg.dsp.mix;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.BackendChain;
import cloud.dawg.dsp.backend.MixKernel;
import cloud.dawg.dsp.backend.MixLayout;
import cloud.dawg.dsp.strip.InvalidParameterException;
import cloud.dawg.dsp.strip.StripCoefficients;
import cloud.dawg.dsp.strip.StripSettings;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * One mixing session: up to {@code capacity} tracks, each through its channel strip, summed to
 * the master strip, on one backend. Tracks come and go between blocks; parameter changes ramp
 * so that nothing clicks: the output matrix (gain, mono, pan, mute/solo) linearly over
 * {@link #RAMP_SECONDS}, the EQ by moving its frequency, gain and Q over the same time and
 * recomputing coefficients every {@link #EQ_UPDATE_FRAMES} frames. Settings given before the
 * first block apply at once, so an offline render starts exactly where the reference does.
 *
 * <p>Use from one thread at a time: {@link #writeInput} for each track, then {@link #process},
 * then read outputs and meters. After construction nothing here allocates.
 */
public final class MixEngine implements AutoCloseable {
    public static final double RAMP_SECONDS = 0.020;
    public static final int EQ_UPDATE_FRAMES = 32;
    public static final int MIN_SAMPLE_RATE = 22050, MAX_SAMPLE_RATE = 192000;
    public static final int MIN_BLOCK = 16, MAX_BLOCK = 8192;
    public static final int MAX_CAPACITY = 4096;

    private enum SlotState { FREE, LIVE, REMOVING }

    /**
     * After moving to a fallback backend (whose filters and compressors start from silence), the
     * master crossfades from the last sample out to the new backend's output over this time.
     */
    public static final double FALLBACK_FADE_SECONDS = 0.005;

    private final BackendChain chain;
    private Backend backend;
    private final int sampleRate;
    private final int maxBlock;
    private final MixLayout layout;
    private MixKernel kernel;
    private final int fadeFrames;
    private int fadeDone = -1; // frames of the fallback crossfade done, or -1 when not fading
    /** Some input of this block was finite but beyond any audio level: an overflow there is the input's, not the backend's. */
    private boolean hugeInput;
    private float lastLeft, lastRight, heldLeft, heldRight;
    private int fallbacks;
    private final StripCoefficients coefficients;
    private final int rampFrames;

    private final SlotState[] state;
    private final StripSettings[] settings; // index capacity = master
    private final boolean[] written;
    private int liveRows;
    private boolean masterOn = true;
    private boolean started;
    private int blockFrames; // of the block being processed

    // output matrix ramps, 4 entries per row
    private final double[] matrixNow, matrixTarget, matrixStep;
    private final int[] matrixRemaining;
    private final double[] scratchMatrix = new double[4];

    // EQ ramps: 9 numbers per row (f, dB, Q per band)
    private final double[] eqFrom, eqTo, eqNow;
    private final boolean[] eqActiveTarget;
    private final int[] eqProgress; // frames into the ramp, or -1 when not ramping
    private int eqRamping;

    private final Meters meters;
    private long sanitisedSamples;
    private long stateResets;
    private final long[] sanitisedPerRow;

    public MixEngine(Backend backend, int sampleRate, int maxBlock, int capacity) {
        this(BackendChain.only(backend), sampleRate, maxBlock, capacity);
    }

    /**
     * An engine on the chain's first backend that moves to the next one when a backend throws or
     * produces non-finite output: the chunk is processed again on the new backend, whose filters
     * and compressors start from silence, and the master crossfades from the last sample out to
     * the new backend's output over {@link #FALLBACK_FADE_SECONDS}, so the stream goes on without
     * a gap or a click. (Track outputs are not faded.)
     */
    public MixEngine(BackendChain chain, int sampleRate, int maxBlock, int capacity) {
        Backend backend = chain.first();
        if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
            throw new InvalidParameterException("sampleRate", sampleRate + " is outside " + MIN_SAMPLE_RATE + ".." + MAX_SAMPLE_RATE);
        }
        if (maxBlock < MIN_BLOCK || maxBlock > MAX_BLOCK) {
            throw new InvalidParameterException("blockSize", maxBlock + " is outside " + MIN_BLOCK + ".." + MAX_BLOCK);
        }
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new InvalidParameterException("capacity", capacity + " is outside 1.." + MAX_CAPACITY);
        }
        Backend.Availability availability = backend.availability();
        if (!availability.available()) {
            throw new IllegalStateException("backend " + backend.name() + " is unavailable: " + availability.reason());
        }
        this.chain = chain;
        this.backend = backend;
        this.sampleRate = sampleRate;
        this.fadeFrames = Math.max(1, (int) Math.round(FALLBACK_FADE_SECONDS * sampleRate));
        this.maxBlock = maxBlock;
        this.layout = new MixLayout(capacity, maxBlock);
        this.kernel = backend.openMix(layout, sampleRate);
        this.coefficients = new StripCoefficients(sampleRate);
        this.rampFrames = (int) Math.round(RAMP_SECONDS * sampleRate);
        int rows = capacity + 1;
        state = new SlotState[capacity];
        Arrays.fill(state, SlotState.FREE);
        settings = new StripSettings[rows];
        written = new boolean[capacity];
        matrixNow = new double[4 * rows];
        matrixTarget = new double[4 * rows];
        matrixStep = new double[4 * rows];
        matrixRemaining = new int[rows];
        eqFrom = new double[9 * rows];
        eqTo = new double[9 * rows];
        eqNow = new double[9 * rows];
        eqActiveTarget = new boolean[rows];
        eqProgress = new int[rows];
        Arrays.fill(eqProgress, -1);
        sanitisedPerRow = new long[rows];
        meters = new Meters(capacity, Math.max(1, (int) Math.round(sampleRate / 6.0)));
        setMaster(StripSettings.DEFAULT);
    }

    public String backendName() { return backend.name(); }
    /** Times this engine moved to a fallback backend. */
    public int fallbacks() { return fallbacks; }
    public int sampleRate() { return sampleRate; }
    public int maxBlock() { return maxBlock; }
    public int capacity() { return layout.capacity(); }
    public int rampFrames() { return rampFrames; }

    /** Live tracks (not counting those fading out after removal). */
    public int trackCount() {
        int n = 0;
        for (SlotState s : state) {
            if (s == SlotState.LIVE) {
                n++;
            }
        }
        return n;
    }

    /**
     * Adds a track with the given strip; it sounds from the next block.
     *
     * @return the track's slot, used in every other call
     * @throws IllegalStateException when all slots are taken
     */
    public int addTrack(StripSettings strip) {
        strip.validateFor(sampleRate);
        for (int slot = 0; slot < state.length; slot++) {
            if (state[slot] == SlotState.FREE) {
                state[slot] = SlotState.LIVE;
                liveRows = Math.max(liveRows, slot + 1);
                kernel.reset(slot);
                clearInput(slot, maxBlock);
                apply(slot, strip, !started);
                return slot;
            }
        }
        throw new IllegalStateException("the session is full: all " + state.length + " track slots are in use");
    }

    /**
     * Removes a track: it fades out over the ramp time, then its slot becomes free. Keep writing
     * its input until {@link #sounding} turns false, so the fade has audio to fade.
     */
    public void removeTrack(int slot) {
        requireLive(slot);
        state[slot] = SlotState.REMOVING;
        if (!started) {
            free(slot);
        } else {
            startMatrixRamp(slot, zeroMatrix());
        }
        refreshAudibility();
    }

    /** Changes a track's strip; the change ramps (see the class comment). */
    public void setStrip(int slot, StripSettings strip) {
        requireLive(slot);
        strip.validateFor(sampleRate);
        apply(slot, strip, !started);
    }

    /** Whether a slot still plays: live, or fading out after removal. */
    public boolean sounding(int slot) {
        return slot >= 0 && slot < state.length && state[slot] != SlotState.FREE;
    }

    public StripSettings strip(int slot) {
        requireLive(slot);
        return settings[slot];
    }

    /**
     * Whether the master strip runs (it does unless told otherwise). A render that keeps only
     * track outputs, such as a stem, turns it off: track outputs do not depend on it, and the mix
     * then reads the raw bus sum. Turned back on, the master goes on from the state it had.
     */
    public void processMaster(boolean on) {
        masterOn = on;
    }

    /** Changes the master strip (its mute and solo are ignored: the master is always heard). */
    public void setMaster(StripSettings strip) {
        strip.validateFor(sampleRate);
        apply(layout.capacity(), strip, !started);
    }

    public StripSettings master() {
        return settings[layout.capacity()];
    }

    /**
     * Copies one block of a track's audio in, in one piece; {@link #process} has the kernel
     * replace NaN and infinities with silence (counted in {@link #sanitisedSamples()}). A track
     * given no input for a block plays silence in it.
     */
    public void writeInput(int slot, float[] left, float[] right, int fromIndex, int frames) {
        if (!sounding(slot)) {
            throw new IllegalArgumentException("no track in slot " + slot);
        }
        requireFrames(frames);
        if (fromIndex < 0 || fromIndex + frames > left.length || fromIndex + frames > right.length) {
            throw new IndexOutOfBoundsException("input arrays hold fewer than " + frames + " frames from " + fromIndex);
        }
        layout.stage(slot, left, right, fromIndex, frames);
        written[slot] = true;
    }

    /** The block's input taken in by the kernel: counts what it replaced and whether any was beyond audio levels. */
    private void ingest(int frames) {
        long report = kernel.ingest(frames, liveRows);
        if (report == 0) {
            return;
        }
        hugeInput |= (report >>> 32) != 0;
        if ((int) report != 0) {
            for (int row = 0; row < liveRows; row++) {
                int n = layout.takeReplaced(row);
                sanitisedSamples += n;
                sanitisedPerRow[row] += n;
            }
        }
    }

    /** Mixes one block of {@code frames} frames (at most the engine's block size). */
    public void process(int frames) {
        requireFrames(frames);
        started = true;
        blockFrames = frames;
        for (int slot = 0; slot < liveRows; slot++) {
            if (!written[slot] && state[slot] != SlotState.FREE) {
                layout.clearStaged(slot, frames); // silence for a track given no input this block
            }
            written[slot] = false;
        }
        ingest(frames);
        int master = layout.capacity();
        int done = 0;
        while (done < frames) {
            int chunk = frames - done;
            if (eqRamping > 0) {
                updateEqRamps();
                chunk = Math.min(chunk, EQ_UPDATE_FRAMES);
            }
            for (int row = 0; row < liveRows; row++) {
                if (matrixRemaining[row] > 0) {
                    chunk = Math.min(chunk, matrixRemaining[row]);
                }
            }
            if (matrixRemaining[master] > 0) {
                chunk = Math.min(chunk, matrixRemaining[master]);
            }
            chunk = Math.min(chunk, meters.framesLeftInWindow());
            processChunk(done, chunk);
            advanceRamps(chunk);
            meters.advance(layout, liveRows, chunk);
            done += chunk;
        }
        collectResets();
        hugeInput = false;
    }

    private void processChunk(int offset, int frames) {
        try {
            kernel.process(offset, frames, liveRows, masterOn);
            if (!hugeInput && chain.hasNext(backend)) {
                requireFiniteMix(offset, frames);
            }
        } catch (RuntimeException failure) {
            if (!chain.hasNext(backend)) {
                throw failure;
            }
            Backend next = chain.next("mix", backend, failure);
            MixKernel replacement = next.openMix(layout, sampleRate);
            replacement.ingest(blockFrames, liveRows); // the block the failed kernel had taken in
            for (int row = 0; row < liveRows; row++) {
                layout.takeReplaced(row); // counted when it came in
            }
            kernel.close();
            kernel = replacement;
            backend = next;
            fallbacks++;
            kernel.process(offset, frames, liveRows, masterOn); // a new kernel starts with every strip reset
            heldLeft = lastLeft;
            heldRight = lastRight;
            fadeDone = 0;
        }
        if (fadeDone >= 0) {
            crossfade(offset, frames);
        }
        lastLeft = layout.mixLeft().getAtIndex(ValueLayout.JAVA_FLOAT, offset + frames - 1);
        lastRight = layout.mixRight().getAtIndex(ValueLayout.JAVA_FLOAT, offset + frames - 1);
    }

    /**
     * With every input below 2^20 no strip can overflow float32 (+72 dB of EQ and x4 gain stay
     * below 1e11), so NaN or infinity in the master output means the kernel is broken.
     */
    private void requireFiniteMix(int offset, int frames) {
        MemorySegment l = layout.mixLeft(), r = layout.mixRight();
        float poison = 0;
        for (int i = offset; i < offset + frames; i++) {
            poison += l.getAtIndex(ValueLayout.JAVA_FLOAT, i) * 0f + r.getAtIndex(ValueLayout.JAVA_FLOAT, i) * 0f;
        }
        if (Float.isNaN(poison)) { // x * 0 is 0 for every finite x, NaN otherwise
            throw new IllegalStateException("backend " + backend.name() + " produced a non-finite master output");
        }
    }

    /** Crossfades the master from the sample held at the switch to the new backend's output. */
    private void crossfade(int offset, int frames) {
        for (int i = 0; i < frames && fadeDone < fadeFrames; i++, fadeDone++) {
            float in = (fadeDone + 1f) / fadeFrames;
            fade(layout.mixLeft(), offset + i, heldLeft, in);
            fade(layout.mixRight(), offset + i, heldRight, in);
        }
        if (fadeDone >= fadeFrames) {
            fadeDone = -1;
        }
    }

    private static void fade(MemorySegment s, long index, float held, float in) {
        s.setAtIndex(ValueLayout.JAVA_FLOAT, index, held * (1 - in) + s.getAtIndex(ValueLayout.JAVA_FLOAT, index) * in);
    }

    /** Copies a track's strip output (after mute/solo) for the last block. */
    public void readTrack(int slot, float[] left, float[] right, int toIndex, int frames) {
        if (slot < 0 || slot >= layout.capacity()) {
            throw new IllegalArgumentException("no track slot " + slot);
        }
        requireFrames(frames);
        int stride = layout.stride();
        MemorySegment outL = layout.outLeft(), outR = layout.outRight();
        long at = slot;
        for (int i = 0; i < frames; i++, at += stride) {
            left[toIndex + i] = outL.getAtIndex(ValueLayout.JAVA_FLOAT, at);
            right[toIndex + i] = outR.getAtIndex(ValueLayout.JAVA_FLOAT, at);
        }
    }

    /** Copies the master output for the last block. */
    public void readMix(float[] left, float[] right, int toIndex, int frames) {
        requireFrames(frames);
        MemorySegment.copy(layout.mixLeft(), ValueLayout.JAVA_FLOAT, 0, left, toIndex, frames);
        MemorySegment.copy(layout.mixRight(), ValueLayout.JAVA_FLOAT, 0, right, toIndex, frames);
    }

    /** Peak and RMS meters per track and for the master, updated about six times a second. */
    public Meters meters() {
        return meters;
    }

    /** NaN and infinite input samples replaced by silence since the engine started. */
    public long sanitisedSamples() {
        return sanitisedSamples;
    }

    public long sanitisedSamples(int slot) {
        return sanitisedPerRow[slot];
    }

    /** Strips reset because their state went non-finite despite sanitised input. */
    public long stateResets() {
        return stateResets;
    }

    /** Clears all filter, compressor and meter state, as if the session started again. */
    public void reset() {
        kernel.resetAll();
        meters.reset(layout);
    }

    @Override
    public void close() {
        kernel.close();
        layout.close();
    }

    // ---- internals ----

    private void apply(int row, StripSettings strip, boolean instant) {
        StripSettings previous = settings[row];
        boolean first = previous == null;
        settings[row] = strip;
        StripCoefficients.writeCompressor(layout, layoutRow(row), strip.comp());
        applyEq(row, previous, strip, instant || first);
        if (row == layout.capacity()) {
            setMatrix(row, matrixOf(strip), instant || first);
            return;
        }
        if (first) {
            setMatrix(row, audible(strip) ? matrixOf(strip) : zeroMatrix(), true);
        }
        if (first || previous.mute() != strip.mute() || previous.solo() != strip.solo()
                || previous.gain() != strip.gain() || previous.pan() != strip.pan() || previous.mono() != strip.mono()) {
            refreshAudibility(instant);
        }
    }

    private double[] matrixOf(StripSettings strip) {
        StripCoefficients.matrix(strip, true, scratchMatrix);
        return scratchMatrix;
    }

    private double[] zeroMatrix() {
        Arrays.fill(scratchMatrix, 0);
        return scratchMatrix;
    }

    private boolean anySolo() {
        for (int slot = 0; slot < state.length; slot++) {
            if (state[slot] == SlotState.LIVE && settings[slot].solo()) {
                return true;
            }
        }
        return false;
    }

    private boolean audible(StripSettings strip) {
        return !strip.mute() && (!anySolo() || strip.solo());
    }

    private void refreshAudibility() {
        refreshAudibility(!started);
    }

    /** Re-targets every live track's matrix: a mute or solo change can affect all of them. */
    private void refreshAudibility(boolean instant) {
        boolean solo = anySolo();
        for (int slot = 0; slot < liveRows; slot++) {
            if (state[slot] != SlotState.LIVE) {
                continue;
            }
            StripSettings s = settings[slot];
            boolean audible = !s.mute() && (!solo || s.solo());
            StripCoefficients.matrix(s, audible, scratchMatrix);
            setMatrix(slot, scratchMatrix, instant);
        }
    }

    private void setMatrix(int row, double[] target, boolean instant) {
        int at = 4 * row;
        boolean same = true;
        for (int i = 0; i < 4; i++) {
            same &= matrixTarget[at + i] == target[i];
        }
        if (same && !instant) {
            return;
        }
        if (instant) {
            System.arraycopy(target, 0, matrixNow, at, 4);
            System.arraycopy(target, 0, matrixTarget, at, 4);
            Arrays.fill(matrixStep, at, at + 4, 0);
            matrixRemaining[row] = 0;
            writeMatrix(row);
        } else {
            startMatrixRamp(row, target);
        }
    }

    private void startMatrixRamp(int row, double[] target) {
        int at = 4 * row;
        for (int i = 0; i < 4; i++) {
            matrixTarget[at + i] = target[i];
            matrixStep[at + i] = (target[i] - matrixNow[at + i]) / rampFrames;
        }
        matrixRemaining[row] = rampFrames;
        writeMatrix(row);
    }

    private void writeMatrix(int row) {
        int at = 4 * row;
        for (int i = 0; i < 4; i++) {
            layout.set(MixLayout.D_MATRIX_BASE + i, MixLayout.F_MATRIX_BASE + i, layoutRow(row), matrixNow[at + i]);
            layout.set(MixLayout.D_MATRIX_STEP + i, MixLayout.F_MATRIX_STEP + i, layoutRow(row), matrixStep[at + i]);
        }
    }

    private int layoutRow(int row) {
        return row == layout.capacity() ? layout.masterRow() : row;
    }

    private void applyEq(int row, StripSettings previous, StripSettings strip, boolean instant) {
        int at = 9 * row;
        if (instant) {
            StripCoefficients.eqParams(strip.eq(), eqNow, at);
            eqActiveTarget[row] = strip.eq().active();
            if (eqProgress[row] >= 0) {
                eqProgress[row] = -1;
                eqRamping--;
            }
            coefficients.writeEq(layout, layoutRow(row), strip.eq().active(), eqNow, at);
            return;
        }
        if (previous.eq().equals(strip.eq())) {
            return;
        }
        boolean wasActive = eqProgress[row] >= 0 || previous.eq().active();
        if (!wasActive && !strip.eq().active()) {
            StripCoefficients.eqParams(strip.eq(), eqNow, at);
            return; // bands of a bypassed EQ changed: nothing to hear
        }
        // start from what sounds now; an EQ that is off sounds like the same EQ with 0 dB bands
        if (!wasActive) {
            StripCoefficients.eqParams(strip.eq(), eqNow, at);
            eqNow[at + 1] = eqNow[at + 4] = eqNow[at + 7] = 0;
        }
        System.arraycopy(eqNow, at, eqFrom, at, 9);
        StripCoefficients.eqParams(strip.eq(), eqTo, at);
        if (!strip.eq().active()) {
            System.arraycopy(eqFrom, at, eqTo, at, 9);
            eqTo[at + 1] = eqTo[at + 4] = eqTo[at + 7] = 0;
        }
        eqActiveTarget[row] = strip.eq().active();
        if (eqProgress[row] < 0) {
            eqRamping++;
        }
        eqProgress[row] = 0;
    }

    /** Moves every ramping EQ to its position at the start of the next chunk and writes coefficients. */
    private void updateEqRamps() {
        for (int row = 0; row < eqProgress.length; row++) {
            int progress = eqProgress[row];
            if (progress < 0) {
                continue;
            }
            int at = 9 * row;
            double t = Math.min(1.0, (double) progress / rampFrames);
            for (int b = 0; b < 3; b++) {
                int f = at + 3 * b;
                eqNow[f] = eqFrom[f] * Math.pow(eqTo[f] / eqFrom[f], t);
                eqNow[f + 1] = eqFrom[f + 1] + (eqTo[f + 1] - eqFrom[f + 1]) * t;
                eqNow[f + 2] = eqFrom[f + 2] * Math.pow(eqTo[f + 2] / eqFrom[f + 2], t);
            }
            boolean finished = t >= 1.0;
            coefficients.writeEq(layout, layoutRow(row), !finished || eqActiveTarget[row], eqNow, at);
            if (row != layout.capacity()) { // the master strip runs the reference form in every backend
                kernel.retune(row);
            }
            if (finished) {
                eqProgress[row] = -1;
                eqRamping--;
            }
        }
    }

    private void advanceRamps(int frames) {
        for (int row = 0; row < matrixRemaining.length; row++) {
            if (eqProgress[row] >= 0) {
                eqProgress[row] += frames;
            }
            if (matrixRemaining[row] == 0) {
                continue;
            }
            int at = 4 * row;
            matrixRemaining[row] -= frames;
            if (matrixRemaining[row] == 0) {
                System.arraycopy(matrixTarget, at, matrixNow, at, 4);
                Arrays.fill(matrixStep, at, at + 4, 0);
                if (row < state.length && state[row] == SlotState.REMOVING) {
                    free(row);
                }
            } else {
                for (int i = 0; i < 4; i++) {
                    matrixNow[at + i] += matrixStep[at + i] * frames;
                }
            }
            writeMatrix(row);
        }
    }

    private void free(int slot) {
        state[slot] = SlotState.FREE;
        settings[slot] = null;
        Arrays.fill(matrixNow, 4 * slot, 4 * slot + 4, 0);
        Arrays.fill(matrixTarget, 4 * slot, 4 * slot + 4, 0);
        Arrays.fill(matrixStep, 4 * slot, 4 * slot + 4, 0);
        matrixRemaining[slot] = 0;
        if (eqProgress[slot] >= 0) {
            eqProgress[slot] = -1;
            eqRamping--;
        }
        writeMatrix(slot);
        clearInput(slot, maxBlock);
        meters.clear(layout, slot);
        while (liveRows > 0 && state[liveRows - 1] == SlotState.FREE) {
            liveRows--;
        }
    }

    /** Silence in a slot's input, staged and frame-major (a new or freed slot; padding lanes read the latter). */
    private void clearInput(int slot, int frames) {
        layout.clearStaged(slot, frames);
        int stride = layout.stride();
        MemorySegment inL = layout.inLeft(), inR = layout.inRight();
        long at = slot;
        for (int i = 0; i < frames; i++, at += stride) {
            inL.setAtIndex(ValueLayout.JAVA_FLOAT, at, 0f);
            inR.setAtIndex(ValueLayout.JAVA_FLOAT, at, 0f);
        }
    }

    private void collectResets() {
        for (int row = 0; row < liveRows; row++) {
            stateResets += layout.takeResets(row);
        }
        stateResets += layout.takeResets(layout.masterRow());
    }

    private void requireLive(int slot) {
        if (slot < 0 || slot >= state.length || state[slot] != SlotState.LIVE) {
            throw new IllegalArgumentException("no live track in slot " + slot);
        }
    }

    private void requireFrames(int frames) {
        if (frames < 1 || frames > maxBlock) {
            throw new IllegalArgumentException("a block has 1.." + maxBlock + " frames, got " + frames);
        }
    }
}
