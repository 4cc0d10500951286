package cloud.dawg.mixservice;

import cloud.dawg.dsp.backend.BackendChain;
import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.dsp.strip.CompressorSettings;
import cloud.dawg.dsp.strip.EqBand;
import cloud.dawg.dsp.strip.EqSettings;
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
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * mix-service's per-block path without the network: one {@code BlockAudio} message of 8 tracks
 * into a live session ({@code LiveMix}: decoding into the ring, completion, the engine, the
 * master reply handed to the stream), run on the calling thread. With {@code -prof gc},
 * {@code block} minus {@code requestOnly} (building the incoming message, which gRPC does in the
 * transport) is what the service allocates per block.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class LiveMixBlockBenchmark {
    static final int FRAMES = 128, TRACKS = 8;

    @Param({"native"})
    public String backend;

    private LiveMix session;
    private ScheduledExecutorService timer;
    private BlockAudio template;
    private long sequence;


    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        timer = Executors.newSingleThreadScheduledExecutor();
        BlockMetrics metrics = new BlockMetrics(new SimpleMeterRegistry(), "mix-service", backend, "bench", 2_666_667,
                new RealtimeLoad(1));
        MixOutbound out = new MixOutbound(new Outbound<>(new AlwaysReadyStream<MixResponse>(blackhole::consume), metrics, Outbound.DEFAULT_THRESHOLD_BYTES));
        session = new LiveMix("bench", 48000, FRAMES, TRACKS, TimeUnit.MILLISECONDS.toNanos(3),
                BackendChain.only(Backends.byName(backend)), out, metrics, new Admission(1000), Runnable::run, InlineBlocks.never(), timer);
        StripSettings strip = StripSettings.DEFAULT
                .withEq(new EqSettings(true, new EqBand(100, 3, 0.7), new EqBand(1000, -2, 1), new EqBand(8000, 2, 0.7)))
                .withComp(new CompressorSettings(true, -18, 4));
        BlockAudio.Builder audio = BlockAudio.newBuilder();
        float[] l = new float[FRAMES], r = new float[FRAMES];
        for (int t = 1; t <= TRACKS; t++) {
            session.addTrack(t, "bench", strip.withPan((t - 4.5) / 4), true);
            for (int i = 0; i < FRAMES; i++) {
                l[i] = (float) (0.3 * Math.sin(0.05 * t * i));
                r[i] = -l[i];
            }
            audio.addTracks(TrackAudio.newBuilder().setTrackId(t).setPcm(Pcm.encode(l, r, FRAMES)));
        }
        template = audio.build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        timer.shutdownNow();
    }

    @Benchmark
    public void block() {
        session.audio(template.toBuilder().setSequence(sequence++).build());
    }

    @Benchmark
    public BlockAudio requestOnly() {
        return template.toBuilder().setSequence(sequence++).build();
    }
}
