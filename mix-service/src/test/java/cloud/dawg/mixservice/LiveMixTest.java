package cloud.dawg.mixservice;

import cloud.dawg.dsp.backend.BackendChain;
import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.dsp.strip.StripSettings;
import cloud.dawg.proto.v1.BlockAudio;
import cloud.dawg.proto.v1.MixResponse;
import cloud.dawg.proto.v1.TrackAudio;
import cloud.dawg.service.Admission;
import cloud.dawg.service.AlwaysReadyStream;
import cloud.dawg.service.BlockMetrics;
import cloud.dawg.service.InlineBlocks;
import cloud.dawg.service.Outbound;
import cloud.dawg.service.Pcm;
import cloud.dawg.service.RealtimeLoad;
import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One live session's block assembly, with the pool running each task as it is handed over (deterministic) unless a test holds it. */
class LiveMixTest {
    private static final int FRAMES = 128;
    private static final int TRACKS = 2;

    private final List<MixResponse> replies = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final BlockMetrics metrics = new BlockMetrics(registry, "mix-service", "scalar", "java", 2_666_667, new RealtimeLoad(1));
    private ScheduledExecutorService timer;
    private LiveMix session;
    private ByteString pcm;

    @BeforeEach
    void open() {
        timer = Executors.newSingleThreadScheduledExecutor();
        session = session(Runnable::run, InlineBlocks.never());
        float[] l = new float[FRAMES], r = new float[FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            l[i] = (float) Math.sin(0.1 * i);
            r[i] = -l[i];
        }
        pcm = Pcm.encode(l, r, FRAMES);
    }

    private LiveMix session(Executor workers, InlineBlocks inline) {
        MixOutbound out = new MixOutbound(new Outbound<>(new AlwaysReadyStream<>(replies::add), metrics, Outbound.DEFAULT_THRESHOLD_BYTES));
        // a deadline far beyond the test: every block here is mixed because it is complete
        LiveMix mix = new LiveMix("s", 48000, FRAMES, 8, TimeUnit.SECONDS.toNanos(60), BackendChain.only(Backends.byName("scalar")),
                out, metrics, new Admission(1000), workers, inline, timer);
        for (int t = 1; t <= TRACKS; t++) {
            mix.addTrack(t, "p", StripSettings.DEFAULT, true);
        }
        return mix;
    }

    /** A session whose pool only runs what the test lets it run, with the tracks already added. */
    private LiveMix sessionOnAHeldPool(Queue<Runnable> pool, InlineBlocks inline) {
        session.close();
        LiveMix mix = session(pool::add, inline);
        runAll(pool);
        return mix;
    }

    private static void runAll(Queue<Runnable> pool) {
        for (Runnable task; (task = pool.poll()) != null; ) {
            task.run();
        }
    }

    @AfterEach
    void close() {
        session.close();
        timer.shutdownNow();
    }

    @Test
    void shouldGoOnMixingAfterTheSenderSkipsMoreThanTheReorderWindow() throws InterruptedException {
        for (long s = 0; s < 5; s++) {
            session.audio(block(s));
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), mixedSequences());
        // a stall on the way (500 blocks lost, nothing arriving for longer than the window):
        // the sender goes on from where it is now
        Thread.sleep(300);
        for (long s = 505; s < 510; s++) {
            session.audio(block(s));
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 505L, 506L, 507L, 508L, 509L), mixedSequences(),
                "mixing resumes at the sender's position, with no silent blocks for the gap");
        assertEquals(500, registry.get("dawg.blocks.dropped").tag("reason", "too-far-ahead").counter().count(),
                "the skipped blocks are counted");
        assertTrue(replies.stream().anyMatch(r -> r.hasEvent() && r.getEvent().getMessage().contains("blocks 5 to 504 are skipped")),
                "the participant is told which blocks were skipped");
        session.audio(block(100)); // a straggler from before the jump
        assertEquals(10, mixedSequences().size(), "audio from before the jump is stale, not mixed");
    }

    @Test
    void shouldDropAFarAheadBlockAmidALiveStreamWithoutMovingTheSession() {
        for (long s = 0; s < 3; s++) {
            session.audio(block(s));
        }
        session.audio(block(1_000_000_000_000L)); // a sender with a wrong sequence number
        for (long s = 3; s < 6; s++) {
            session.audio(block(s));
        }
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), mixedSequences(), "the others' blocks go on being mixed");
        assertEquals(1, registry.get("dawg.blocks.dropped").tag("reason", "too-far-ahead").counter().count());
    }

    @Test
    void shouldMixACompleteBlockOnTheThreadItsAudioArrivedOnWhenInlineBlocksAllowIt() {
        Queue<Runnable> pool = new ArrayDeque<>();
        session = sessionOnAHeldPool(pool, new InlineBlocks(1, TimeUnit.SECONDS.toNanos(1)));
        session.audio(block(0));
        assertEquals(List.of(0L), mixedSequences(), "the reply is written before audio() returns");
        assertTrue(pool.isEmpty(), "nothing was handed to the pool");
    }

    @Test
    void shouldLeaveTheBlockToThePoolWhenInlineBlocksAreOff() {
        Queue<Runnable> pool = new ArrayDeque<>();
        session = sessionOnAHeldPool(pool, InlineBlocks.never());
        session.audio(block(0));
        assertEquals(List.of(), mixedSequences(), "not mixed on the arriving thread");
        runAll(pool);
        assertEquals(List.of(0L), mixedSequences(), "mixed by the pool");
    }

    @Test
    void shouldMoveASessionToThePoolOnceItsBlocksTakeLongerThanTheInlineLimit() {
        Queue<Runnable> pool = new ArrayDeque<>();
        // every real block takes longer than 0 ns: only the first, with no history, runs inline
        session = sessionOnAHeldPool(pool, new InlineBlocks(1, 0));
        session.audio(block(0));
        assertEquals(List.of(0L), mixedSequences());
        session.audio(block(1));
        assertEquals(List.of(0L), mixedSequences(), "the second block waits for the pool");
        runAll(pool);
        assertEquals(List.of(0L, 1L), mixedSequences());
    }

    private BlockAudio block(long sequence) {
        BlockAudio.Builder b = BlockAudio.newBuilder().setSequence(sequence);
        for (int t = 1; t <= TRACKS; t++) {
            b.addTracks(TrackAudio.newBuilder().setTrackId(t).setPcm(pcm));
        }
        return b.build();
    }

    private List<Long> mixedSequences() {
        return replies.stream().filter(MixResponse::hasBlock).map(r -> r.getBlock().getSequence()).toList();
    }

}
