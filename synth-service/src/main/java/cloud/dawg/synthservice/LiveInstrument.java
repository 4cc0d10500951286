package cloud.dawg.synthservice;

import cloud.dawg.dsp.backend.BackendChain;
import cloud.dawg.dsp.synth.InstrumentSettings;
import cloud.dawg.dsp.synth.SynthEngine;
import cloud.dawg.proto.v1.NoteEvent;
import cloud.dawg.proto.v1.RenderBlock;
import cloud.dawg.proto.v1.RenderedBlock;
import cloud.dawg.proto.v1.SynthError;
import cloud.dawg.proto.v1.SynthResponse;
import cloud.dawg.service.Admission;
import cloud.dawg.service.BlockMetrics;
import cloud.dawg.service.CpuClock;
import cloud.dawg.service.InlineBlocks;
import cloud.dawg.service.Outbound;
import cloud.dawg.service.Pcm;
import cloud.dawg.service.SerialRunner;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * One live instrument: render requests are queued by the gRPC thread and rendered in order by the
 * instrument's {@link SerialRunner}, each answered by one block. The runner runs on the gRPC
 * thread itself when {@link InlineBlocks} allows it (saving the hand-off to a worker and back),
 * otherwise on the worker pool.
 */
final class LiveInstrument {
    /** Render requests that may wait; beyond this the client is far ahead of real time. */
    static final int MAX_QUEUED = 16;

    private final String sessionId;
    private final int trackId;
    private final int frames;
    private final SynthEngine engine;
    private final Outbound<SynthResponse> out;
    private final BlockMetrics metrics;
    private final Admission admission;
    private final int voices;
    private final SerialRunner runner;
    private final InlineBlocks inline;
    private final ConcurrentLinkedQueue<RenderBlock> queue = new ConcurrentLinkedQueue<>();
    private final float[] left, right;
    private volatile boolean closed;
    private boolean finished;
    private volatile long lastBlockNanos; // wall time of the last block, read by the gRPC side

    LiveInstrument(String sessionId, int trackId, InstrumentSettings instrument, int sampleRate, int frames, BackendChain chain,
                   Outbound<SynthResponse> out, BlockMetrics metrics, Admission admission, Executor workers,
                   InlineBlocks inline) {
        this.sessionId = sessionId;
        this.trackId = trackId;
        this.frames = frames;
        this.engine = new SynthEngine(chain, instrument, sampleRate, frames);
        this.out = out;
        this.metrics = metrics;
        this.admission = admission;
        this.voices = instrument.maxVoices();
        this.runner = new SerialRunner(workers, this::drain);
        this.inline = inline;
        this.left = new float[frames];
        this.right = new float[frames];
    }

    String backend() { return engine.backend(); }
    int activeVoices() { return engine.activeVoices(); }

    /**
     * Queues a render request and renders it here or on the worker pool, as {@link InlineBlocks}
     * decides; refuses (with an error reply) when the client is far ahead.
     */
    void render(RenderBlock request) {
        if (queue.size() >= MAX_QUEUED) {
            metrics.droppedAhead();
            error("render " + request.getSequence() + ": more than " + MAX_QUEUED + " blocks are already waiting; dropped",
                    request.getSequence());
            return;
        }
        queue.add(request);
        inline.run(runner, lastBlockNanos);
    }

    void close() {
        closed = true;
        runner.signal();
    }

    private void drain() {
        if (finished) {
            return;
        }
        for (RenderBlock request; (request = queue.poll()) != null; ) {
            if (closed) {
                break;
            }
            render(request, System.nanoTime(), CpuClock.nanos());
        }
        if (closed) {
            finished = true;
            engine.close();
            admission.release(voices);
            admission.close(sessionId + "/" + trackId);
            out.complete();
        }
    }

    private void render(RenderBlock request, long wall, long cpu) {
        for (int i = 0, n = request.getEventsCount(); i < n; i++) {
            NoteEvent e = request.getEvents(i);
            try {
                apply(e);
            } catch (IllegalArgumentException bad) {
                error("render " + request.getSequence() + ": events[" + i + "]: " + bad.getMessage() + "; event ignored",
                        request.getSequence());
            }
        }
        engine.process(left, right, 0, frames);
        out.sendDroppable(SynthResponse.newBuilder().setBlock(RenderedBlock.newBuilder().setSequence(request.getSequence())
                .setPcm(Pcm.encode(left, right, frames)).setActiveVoices(engine.activeVoices())).build());
        long took = System.nanoTime() - wall;
        lastBlockNanos = took;
        metrics.recordBlock(took, CpuClock.nanos() - cpu);
    }

    private void apply(NoteEvent e) {
        int offset = e.getFrameOffset();
        if (offset >= frames) {
            throw new IllegalArgumentException("frame_offset " + offset + " is outside 0.." + (frames - 1));
        }
        switch (e.getKindCase()) {
            case NOTE_ON -> {
                if (e.getNoteOn().getVelocity() < 1 || e.getNoteOn().getVelocity() > 127) {
                    throw new IllegalArgumentException("note_on.velocity " + e.getNoteOn().getVelocity() + " is outside 1..127");
                }
                engine.noteOn(offset, checkedNote(e.getNoteOn().getNote()), e.getNoteOn().getVelocity());
            }
            case NOTE_OFF -> engine.noteOff(offset, checkedNote(e.getNoteOff()));
            case SUSTAIN -> engine.sustain(offset, e.getSustain());
            case ALL_NOTES_OFF -> engine.allNotesOff(offset);
            default -> throw new IllegalArgumentException("empty event: set note_on, note_off, sustain or all_notes_off");
        }
    }

    private static int checkedNote(int note) {
        if (note > 127) {
            throw new IllegalArgumentException("note " + note + " is outside 0..127");
        }
        return note;
    }

    private void error(String message, long sequence) {
        out.send(SynthResponse.newBuilder().setError(SynthError.newBuilder().setMessage(message).setSequence(sequence)).build());
    }
}
