package cloud.dawg.mixservice;

import cloud.dawg.dsp.backend.BackendChain;
import cloud.dawg.dsp.mix.Meters;
import cloud.dawg.dsp.mix.MixEngine;
import cloud.dawg.dsp.strip.StripSettings;
import cloud.dawg.proto.v1.BlockAudio;
import cloud.dawg.proto.v1.Meter;
import cloud.dawg.proto.v1.MeterReadings;
import cloud.dawg.proto.v1.MixEvent;
import cloud.dawg.proto.v1.MixResponse;
import cloud.dawg.proto.v1.MixedBlock;
import cloud.dawg.proto.v1.MonitorBlock;
import cloud.dawg.proto.v1.TrackAudio;
import cloud.dawg.proto.v1.TrackMeter;
import cloud.dawg.service.Admission;
import cloud.dawg.service.BlockMetrics;
import cloud.dawg.service.CpuClock;
import cloud.dawg.service.InlineBlocks;
import cloud.dawg.service.Pcm;
import cloud.dawg.service.SerialRunner;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One live session: assembles each block's tracks as they arrive (from one message or several),
 * mixes a block when every expected track is in or its deadline has passed, and replies with the
 * master, the monitor mixes and, about six times a second, the meters.
 *
 * <p>Two sides touch it. The gRPC thread calls {@link #audio} and {@link #change}: audio is
 * decoded straight into a ring of preallocated block buffers under a short lock; changes are
 * queued. The session's {@link SerialRunner} does everything else, one thread at a time: applies
 * changes between blocks, runs the engine and replies. It runs on the gRPC thread itself when the
 * audio completes a block and {@link InlineBlocks} allows it, otherwise (and for deadlines and
 * changes) on the worker pool. Nothing on that path allocates except the reply messages themselves.
 */
final class LiveMix {
    /**
     * Audio time that may be assembled at once (arrivals further ahead are dropped): long enough
     * to ride out a scheduling hiccup of the worker without losing the newest audio.
     */
    static final double WINDOW_SECONDS = 0.2;
    static final int MIN_WINDOW = 8, MAX_WINDOW = 128;
    static final int MAX_TRACK_ID = MixEngine.MAX_CAPACITY;

    private enum State { FREE, FILLING, PROCESSING }

    /** One ring entry: a block being assembled. */
    private static final class Pending {
        long sequence = -1;
        State state = State.FREE;
        long firstArrival;
        boolean timerArmed;
    }

    /** One track: its ring of input buffers and, once the worker added it, its engine slot. */
    static final class Track {
        final int id;
        final String owner;
        final float[][] left, right;
        final long[] arrived; // the sequence whose audio each ring entry holds
        boolean expected;
        int slot = -1; // engine slot, worker side
        boolean sanitisedReported;

        Track(int id, String owner, boolean expected, int frames, int window) {
            this.id = id;
            this.owner = owner;
            this.expected = expected;
            this.left = new float[window][frames];
            this.right = new float[window][frames];
            this.arrived = new long[window];
            java.util.Arrays.fill(arrived, -1);
        }
    }

    /** A participant's mix without their own tracks, through its own copy of the master strip. */
    private static final class Monitor {
        final String participant;
        final MixEngine bus;
        final float[] left, right;

        Monitor(String participant, MixEngine bus, int frames) {
            this.participant = participant;
            this.bus = bus;
            this.left = new float[frames];
            this.right = new float[frames];
        }
    }

    private final String sessionId;
    private final int frames;
    private final int sampleRate;
    private final long deadlineNanos;
    private final BackendChain chain;
    private final MixEngine engine;
    private final MixOutbound out;
    private final BlockMetrics metrics;
    private final Admission admission;
    private final ScheduledExecutorService timer;
    private final SerialRunner runner;
    private final InlineBlocks inline;
    private final Runnable signal;

    // guarded by lock: the gRPC side's view
    private final Object lock = new Object();
    private final Track[] byId = new Track[MAX_TRACK_ID + 1];
    private final List<Track> tracks = new ArrayList<>();
    private final int window;
    private final Pending[] ring;
    private long nextSequence = -1;
    private long lastInWindow;           // when audio inside the window last arrived
    private final long windowNanos;      // the window's audio duration
    private boolean closed;
    private final byte[] scratch;

    // worker side
    private final ConcurrentLinkedQueue<Consumer<LiveMix>> changes = new ConcurrentLinkedQueue<>();
    private final List<Track> mixing = new ArrayList<>();
    private final List<Monitor> monitors = new ArrayList<>();
    private final float[] outLeft, outRight, busLeft, busRight, trackLeft, trackRight;
    private long metersSeen;
    private long sanitisedSeen;
    private int fallbacksSeen;
    private boolean finished;
    private volatile long lastBlockNanos; // wall time of the last block, read by the gRPC side
    private final java.util.concurrent.atomic.AtomicLong admitted = new java.util.concurrent.atomic.AtomicLong();

    LiveMix(String sessionId, int sampleRate, int frames, int capacity, long deadlineNanos, BackendChain chain,
            MixOutbound out, BlockMetrics metrics, Admission admission, Executor workers, InlineBlocks inline,
            ScheduledExecutorService timer) {
        this.sessionId = sessionId;
        this.sampleRate = sampleRate;
        this.frames = frames;
        this.deadlineNanos = deadlineNanos;
        this.chain = chain;
        this.engine = new MixEngine(chain, sampleRate, frames, capacity);
        this.out = out;
        this.metrics = metrics;
        this.admission = admission;
        this.timer = timer;
        this.runner = new SerialRunner(workers, this::drain);
        this.signal = runner::signal;
        this.inline = inline;
        this.window = Math.clamp((long) Math.ceil(WINDOW_SECONDS * sampleRate / frames), MIN_WINDOW, MAX_WINDOW);
        this.windowNanos = (long) window * frames * 1_000_000_000L / sampleRate;
        this.ring = new Pending[window];
        for (int i = 0; i < window; i++) {
            ring[i] = new Pending();
        }
        scratch = Pcm.scratch(frames);
        outLeft = new float[frames];
        outRight = new float[frames];
        busLeft = new float[frames];
        busRight = new float[frames];
        trackLeft = new float[frames];
        trackRight = new float[frames];
    }

    String sessionId() { return sessionId; }
    String backend() { return engine.backendName(); }
    int frames() { return frames; }

    /** Units this session holds in admission (released on close). */
    void admitted(long units) {
        admitted.addAndGet(units);
    }

    // ---- gRPC side ----

    /** Adds a track (at open, or later): the gRPC side sees it at once, the engine from the next block. */
    void addTrack(int id, String owner, StripSettings strip, boolean expected) {
        Track track = new Track(id, owner, expected, frames, window);
        synchronized (lock) {
            byId[id] = track;
            tracks.add(track);
        }
        changes.add(mix -> {
            track.slot = mix.engine.addTrack(strip);
            mix.mixing.add(track);
        });
        runner.signal();
    }

    boolean hasTrack(int id) {
        synchronized (lock) {
            return id >= 1 && id <= MAX_TRACK_ID && byId[id] != null;
        }
    }

    void removeTrack(int id) {
        Track track;
        synchronized (lock) {
            track = byId[id];
            byId[id] = null;
            tracks.remove(track);
        }
        admission.release(1);
        admitted.decrementAndGet();
        changes.add(mix -> mix.engine.removeTrack(track.slot));
        runner.signal();
    }

    void setExpected(int id, boolean expected) {
        synchronized (lock) {
            byId[id].expected = expected;
        }
        runner.signal(); // a block may now be complete
    }

    /** Queues a change for the worker, which applies it between blocks. */
    void change(Consumer<LiveMix> change) {
        changes.add(change);
        runner.signal();
    }

    /**
     * Takes one message of audio: decodes each track into its ring entry and, when that completes
     * the block, mixes it here or on the worker pool, as {@link InlineBlocks} decides.
     */
    void audio(BlockAudio audio) {
        if (assemble(audio)) {
            inline.run(runner, lastBlockNanos);
        }
    }

    private boolean assemble(BlockAudio audio) {
        long sequence = audio.getSequence();
        synchronized (lock) {
            if (closed) {
                return false;
            }
            if (nextSequence < 0) {
                nextSequence = sequence;
            }
            if (sequence < nextSequence) {
                metrics.droppedStale();
                out.event(MixEvent.Kind.LATE_AUDIO, "audio for block " + sequence + " arrived after it was mixed (next is "
                        + nextSequence + "); dropped", null, sequence);
                return false;
            }
            long now = System.nanoTime();
            boolean ahead = sequence >= nextSequence + window;
            if (ahead && now - lastInWindow > windowNanos) {
                skipTo(sequence);
                ahead = false;
            }
            int index = (int) (sequence % window);
            Pending pending = ring[index];
            if (ahead || pending.state == State.PROCESSING) {
                metrics.droppedAhead();
                out.event(MixEvent.Kind.ERROR, "audio for block " + sequence + " is more than " + window
                        + " blocks ahead of the next block to mix (" + nextSequence + "); dropped", null, sequence);
                return false;
            }
            lastInWindow = now;
            if (pending.state == State.FREE || pending.sequence != sequence) {
                pending.sequence = sequence;
                pending.state = State.FILLING;
                pending.firstArrival = now;
                pending.timerArmed = false;
            }
            for (int i = 0, n = audio.getTracksCount(); i < n; i++) {
                TrackAudio t = audio.getTracks(i);
                int id = t.getTrackId();
                Track track = id >= 1 && id <= MAX_TRACK_ID ? byId[id] : null;
                if (track == null) {
                    out.event(MixEvent.Kind.ERROR, "no track " + id + " in session " + sessionId + "; its audio was dropped", id, sequence);
                    continue;
                }
                try {
                    Pcm.decode(t.getPcm(), frames, scratch, track.left[index], track.right[index]);
                } catch (IllegalArgumentException e) {
                    out.event(MixEvent.Kind.ERROR, "track " + id + ": " + e.getMessage() + "; its audio was dropped", id, sequence);
                    continue;
                }
                track.arrived[index] = sequence;
            }
            boolean complete = complete(pending, index);
            if ((!complete || sequence > nextSequence) && !pending.timerArmed) {
                // incomplete, or complete behind a block that has not arrived: either way due at the deadline
                pending.timerArmed = true;
                timer.schedule(signal, deadlineNanos, TimeUnit.NANOSECONDS);
            }
            return complete;
        }
    }

    /**
     * The sender is more than the reorder window ahead of the next block to mix: it (or the
     * transport) lost that much audio, for instance while a JVM was still compiling. Done only
     * once nothing inside the window has arrived for the window's duration: a single sender with
     * a wrong sequence number amid a live stream is dropped instead, and cannot move the others'
     * session away from them. The blocks before {@code sequence} are given up (counted as
     * dropped; any that still come are stale) and mixing goes on from there, without a burst of
     * silent blocks for the gap. Dropping all far-ahead audio, as before, never ended after a
     * stall: nothing inside the window arrived any more, so the session was dead for good (under lock).
     */
    private void skipTo(long sequence) {
        long skipped = sequence - nextSequence;
        for (Pending p : ring) {
            if (p.state == State.FILLING && p.sequence < sequence) {
                p.state = State.FREE;
            }
        }
        metrics.droppedAhead(skipped);
        out.event(MixEvent.Kind.ERROR, "audio jumped " + skipped + " blocks past the reorder window; blocks " + nextSequence
                + " to " + (sequence - 1) + " are skipped", null, sequence);
        nextSequence = sequence;
    }

    /** Expected tracks whose audio for the entry has not arrived (under lock). */
    private int missing(Pending pending, int index) {
        int missing = 0;
        for (int i = 0, n = tracks.size(); i < n; i++) {
            Track t = tracks.get(i);
            if (t.expected && t.arrived[index] != pending.sequence) {
                missing++;
            }
        }
        return missing;
    }

    private boolean complete(Pending pending, int index) {
        return missing(pending, index) == 0;
    }

    /** Ends the session: the worker closes the engines and completes the stream. */
    void close() {
        synchronized (lock) {
            closed = true;
        }
        runner.signal();
    }

    // ---- worker side ----

    private void drain() {
        if (finished) {
            return;
        }
        while (true) {
            for (Consumer<LiveMix> change; (change = changes.poll()) != null; ) {
                try {
                    change.accept(this);
                } catch (RuntimeException e) {
                    out.event(MixEvent.Kind.ERROR, e.getMessage(), null, null);
                }
            }
            Pending pending;
            int index;
            int missing;
            synchronized (lock) {
                if (closed) {
                    finish();
                    return;
                }
                if (nextSequence < 0) {
                    return;
                }
                index = (int) (nextSequence % window);
                pending = ring[index];
                boolean started = pending.state == State.FILLING && pending.sequence == nextSequence;
                if (!started && !anyDue()) {
                    return; // nothing of this block yet, and nothing after it is due
                }
                missing = started ? missing(pending, index) : countExpected();
                if (started && missing > 0 && System.nanoTime() - pending.firstArrival < deadlineNanos && !anyDue()) {
                    return; // still waiting for some tracks; the deadline timer will signal
                }
                pending.sequence = nextSequence;
                pending.state = State.PROCESSING;
                nextSequence++;
            }
            try {
                mix(pending.sequence, index, missing);
            } catch (RuntimeException e) {
                out.event(MixEvent.Kind.ERROR, "block " + pending.sequence + " could not be mixed: " + e, null, pending.sequence);
            } finally {
                synchronized (lock) {
                    pending.state = State.FREE;
                }
            }
        }
    }

    /** Whether some later block being assembled has passed its deadline (so every block before it is due too). */
    private boolean anyDue() {
        long now = System.nanoTime();
        for (Pending p : ring) {
            if (p.state == State.FILLING && p.sequence > nextSequence && now - p.firstArrival >= deadlineNanos) {
                return true;
            }
        }
        return false;
    }

    private int countExpected() {
        int n = 0;
        for (int i = 0, size = tracks.size(); i < size; i++) {
            n += tracks.get(i).expected ? 1 : 0;
        }
        return n;
    }

    private void mix(long sequence, int index, int missing) {
        long wall = System.nanoTime();
        long cpu = CpuClock.nanos();
        for (int i = 0, n = mixing.size(); i < n; i++) {
            Track t = mixing.get(i);
            if (t.arrived[index] == sequence && engine.sounding(t.slot)) {
                engine.writeInput(t.slot, t.left[index], t.right[index], 0, frames);
            }
        }
        engine.process(frames);
        engine.readMix(outLeft, outRight, 0, frames);
        MixedBlock.Builder block = MixedBlock.newBuilder().setSequence(sequence)
                .setMaster(Pcm.encode(outLeft, outRight, frames)).setMissingTracks(missing);
        for (int m = 0, n = monitors.size(); m < n; m++) {
            block.addMonitors(monitor(monitors.get(m)));
        }
        out.sendDroppable(MixResponse.newBuilder().setBlock(block).build());
        if (engine.meters().windows() != metersSeen) {
            metersSeen = engine.meters().windows();
            out.sendDroppable(MixResponse.newBuilder().setMeters(meters(sequence)).build());
        }
        reportSanitised(sequence);
        if (engine.fallbacks() != fallbacksSeen) {
            fallbacksSeen = engine.fallbacks();
            out.event(MixEvent.Kind.FALLBACK, "the mix moved to the " + engine.backendName() + " backend after a backend failure", null, sequence);
        }
        dropSilentRemovals();
        if (missing > 0) {
            metrics.late();
        }
        long took = System.nanoTime() - wall;
        lastBlockNanos = took;
        metrics.recordBlock(took, CpuClock.nanos() - cpu);
    }

    private MonitorBlock monitor(Monitor m) {
        java.util.Arrays.fill(busLeft, 0f);
        java.util.Arrays.fill(busRight, 0f);
        for (int i = 0, n = mixing.size(); i < n; i++) {
            Track t = mixing.get(i);
            if (!t.owner.equals(m.participant)) {
                engine.readTrack(t.slot, trackLeft, trackRight, 0, frames);
                for (int k = 0; k < frames; k++) {
                    busLeft[k] += trackLeft[k];
                    busRight[k] += trackRight[k];
                }
            }
        }
        m.bus.writeInput(0, busLeft, busRight, 0, frames);
        m.bus.process(frames);
        m.bus.readTrack(0, m.left, m.right, 0, frames);
        return MonitorBlock.newBuilder().setParticipant(m.participant).setPcm(Pcm.encode(m.left, m.right, frames)).build();
    }

    private MeterReadings meters(long sequence) {
        Meters meters = engine.meters();
        MeterReadings.Builder b = MeterReadings.newBuilder().setSequence(sequence);
        for (int i = 0, n = mixing.size(); i < n; i++) {
            Track t = mixing.get(i);
            b.addTracks(TrackMeter.newBuilder().setTrackId(t.id).setMeter(meter(meters, t.slot)));
        }
        return b.setMaster(meter(meters, meters.masterIndex())).build();
    }

    private static Meter meter(Meters m, int index) {
        return Meter.newBuilder().setPeakLeft(m.peakLeft(index)).setPeakRight(m.peakRight(index))
                .setRmsLeft(m.rmsLeft(index)).setRmsRight(m.rmsRight(index)).build();
    }

    private void reportSanitised(long sequence) {
        long total = engine.sanitisedSamples();
        if (total == sanitisedSeen) {
            return;
        }
        metrics.sanitised(total - sanitisedSeen);
        sanitisedSeen = total;
        for (int i = 0, n = mixing.size(); i < n; i++) {
            Track t = mixing.get(i);
            if (!t.sanitisedReported && engine.sanitisedSamples(t.slot) > 0) {
                t.sanitisedReported = true;
                out.event(MixEvent.Kind.SANITISED, "track " + t.id + " sent NaN or infinite samples; they were replaced by silence"
                        + " (reported once per track; dawg_samples_sanitised_total counts them all)", t.id, sequence);
            }
        }
    }

    /** Forgets removed tracks once their fade-out has played. */
    private void dropSilentRemovals() {
        for (int i = mixing.size() - 1; i >= 0; i--) {
            Track t = mixing.get(i);
            if (!engine.sounding(t.slot)) {
                mixing.remove(i);
            }
        }
    }

    // ---- changes, applied by the worker between blocks ----

    void applyTrackStrip(int id, StripSettings strip) {
        for (Track t : mixing) {
            if (t.id == id && engine.sounding(t.slot)) {
                engine.setStrip(t.slot, strip);
                return;
            }
        }
        throw new IllegalArgumentException("no track " + id + " in session " + sessionId);
    }

    void applyMaster(StripSettings strip) {
        engine.setMaster(strip);
        for (Monitor m : monitors) {
            m.bus.setStrip(0, asTrack(strip));
        }
    }

    void applyMonitor(String participant, boolean enabled) {
        for (int i = 0; i < monitors.size(); i++) {
            if (monitors.get(i).participant.equals(participant)) {
                if (!enabled) {
                    monitors.remove(i).bus.close();
                }
                return;
            }
        }
        if (enabled) {
            MixEngine bus = new MixEngine(chain, sampleRate, frames, 1);
            bus.addTrack(asTrack(engine.master()));
            monitors.add(new Monitor(participant, bus, frames));
        }
    }

    /** The master strip as a track strip (the master ignores mute and solo). */
    private static StripSettings asTrack(StripSettings master) {
        return master.withMute(false).withSolo(false);
    }

    private void finish() {
        finished = true;
        for (Monitor m : monitors) {
            m.bus.close();
        }
        monitors.clear();
        engine.close();
        admission.release(admitted.getAndSet(0));
        admission.close(sessionId);
        out.complete();
    }
}
