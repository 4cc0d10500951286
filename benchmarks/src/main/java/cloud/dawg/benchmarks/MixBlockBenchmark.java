package cloud.dawg.benchmarks;

import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.dsp.workload.MixWorkload;
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

import java.util.concurrent.TimeUnit;

/**
 * One 128-frame block of the standard 64-track session through the whole engine path (input
 * copy with sanitising, strips, bus, master, meters, reading the mix), per backend. With
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per block: 0 is the goal.
 * {@code silentBlock} is the same after a loud burst, input silent: the denormal-prone case.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MixBlockBenchmark {
    @Param({"scalar", "simd", "native"})
    public String backend;

    @Param({"64"})
    public int tracks;

    private MixWorkload workload;

    @Setup(Level.Trial)
    public void setUp() {
        workload = new MixWorkload(Backends.byName(backend), tracks, 48000, 128);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workload.close();
    }

    @Benchmark
    public float block() {
        workload.block();
        return workload.mixLeft()[0];
    }

    @Benchmark
    public float silentBlock() {
        workload.silentBlock();
        return workload.mixLeft()[0];
    }
}
