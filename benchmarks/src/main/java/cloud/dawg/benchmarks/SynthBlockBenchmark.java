package cloud.dawg.benchmarks;

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
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One 128-frame block of the standard synth voice (2 detuned saws, ADSR, SVF low-pass) times
 * {@code voices} sustained notes, on the reference synth. {@code -prof gc} shows allocation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SynthBlockBenchmark {
    @Param({"256"})
    public int voices;

    private SynthWorkload workload;

    @Setup(Level.Trial)
    public void setUp() {
        workload = new SynthWorkload(voices, 48000, 128);
    }

    @Benchmark
    public int block() {
        workload.block();
        return workload.activeVoices();
    }
}
