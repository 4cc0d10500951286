package cloud.dawg.benchmarks;

import cloud.dawg.dsp.backend.Backends;
import cloud.dawg.dsp.workload.SynthWorkload;
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
 * One 128-frame block of the standard synth voice (2 detuned saws, ADSR, SVF low-pass) times
 * {@code voices} sustained notes, per backend. {@code -prof gc} shows allocation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SynthBlockBenchmark {
    @Param({"scalar", "simd", "native"})
    public String backend;

    @Param({"256"})
    public int voices;

    private SynthWorkload workload;

    @Setup(Level.Trial)
    public void setUp() {
        workload = new SynthWorkload(Backends.byName(backend), voices, 48000, 128);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        workload.close();
    }

    @Benchmark
    public int block() {
        workload.block();
        return workload.activeVoices();
    }
}
