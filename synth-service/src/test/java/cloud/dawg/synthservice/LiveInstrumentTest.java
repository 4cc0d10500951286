package cloud.dawg.synthservice;

import cloud.dawg.dsp.backend.BackendChain;
import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.dsp.synth.InstrumentSettings;
import cloud.dawg.proto.v1.NoteEvent;
import cloud.dawg.proto.v1.NoteOn;
import cloud.dawg.proto.v1.RenderBlock;
import cloud.dawg.proto.v1.SynthResponse;
import cloud.dawg.service.Admission;
import cloud.dawg.service.AlwaysReadyStream;
import cloud.dawg.service.BlockMetrics;
import cloud.dawg.service.InlineBlocks;
import cloud.dawg.service.Outbound;
import cloud.dawg.service.Pcm;
import cloud.dawg.service.RealtimeLoad;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One live instrument's render requests, on a pool that only runs what the test lets it run. */
class LiveInstrumentTest {
    private static final int FRAMES = 128;

    private final List<SynthResponse> replies = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BlockMetrics metrics = new BlockMetrics(registry, "synth-service", "scalar", "java", 2_666_667, new RealtimeLoad(1));
    private final Queue<Runnable> pool = new ArrayDeque<>();

    private LiveInstrument instrument(InlineBlocks inline) {
        Outbound<SynthResponse> out = new Outbound<>(new AlwaysReadyStream<>(replies::add), metrics, Outbound.DEFAULT_THRESHOLD_BYTES);
        return new LiveInstrument("s", 1, InstrumentSettings.DEFAULT, 48000, FRAMES, BackendChain.only(Backends.byName("scalar")),
                out, metrics, new Admission(1000), pool::add, inline);
    }

    @Test
    void shouldRenderOnTheThreadTheRequestArrivedOnWhenInlineBlocksAllowIt() {
        LiveInstrument instrument = instrument(new InlineBlocks(1, TimeUnit.SECONDS.toNanos(1)));
        instrument.render(noteOn(0, 69));
        assertEquals(List.of(0L), renderedSequences(), "the block is written before render() returns");
        assertTrue(pool.isEmpty(), "nothing was handed to the pool");
        assertTrue(peak(replies.get(0)) > 0.01f, "the note sounds in its first block: " + peak(replies.get(0)));
    }

    @Test
    void shouldLeaveTheRequestToThePoolWhenInlineBlocksAreOff() {
        LiveInstrument instrument = instrument(InlineBlocks.never());
        instrument.render(noteOn(0, 69));
        assertEquals(List.of(), renderedSequences(), "not rendered on the arriving thread");
        runAll();
        assertEquals(List.of(0L), renderedSequences(), "rendered by the pool");
    }

    @Test
    void shouldMoveAnInstrumentToThePoolOnceItsBlocksTakeLongerThanTheInlineLimit() {
        // every real block takes longer than 0 ns: only the first, with no history, runs inline
        LiveInstrument instrument = instrument(new InlineBlocks(1, 0));
        instrument.render(noteOn(0, 69));
        instrument.render(RenderBlock.newBuilder().setSequence(1).build());
        assertEquals(List.of(0L), renderedSequences(), "the second block waits for the pool");
        runAll();
        assertEquals(List.of(0L, 1L), renderedSequences(), "rendered in order");
    }

    private static RenderBlock noteOn(long sequence, int note) {
        return RenderBlock.newBuilder().setSequence(sequence)
                .addEvents(NoteEvent.newBuilder().setFrameOffset(0).setNoteOn(NoteOn.newBuilder().setNote(note).setVelocity(100))).build();
    }

    private void runAll() {
        for (Runnable task; (task = pool.poll()) != null; ) {
            task.run();
        }
    }

    private List<Long> renderedSequences() {
        return replies.stream().filter(SynthResponse::hasBlock).map(r -> r.getBlock().getSequence()).toList();
    }

    private static float peak(SynthResponse reply) {
        float[] left = new float[FRAMES], right = new float[FRAMES];
        Pcm.decode(reply.getBlock().getPcm(), FRAMES, Pcm.scratch(FRAMES), left, right);
        float peak = 0;
        for (int i = 0; i < FRAMES; i++) {
            peak = Math.max(peak, Math.max(Math.abs(left[i]), Math.abs(right[i])));
        }
        return peak;
    }
}
