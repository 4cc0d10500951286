package cloud.dawg.selector;

import cloud.dawg.dsp.backend.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeProbeTest {
    @TempDir
    Path root;

    private void write(String file, String text) throws Exception {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    @Test
    void shouldReadModelAndTheFeaturesThatMatterFromAnX86Cpuinfo() throws Exception {
        write("proc/cpuinfo", """
                processor\t: 0
                model name\t: AMD EPYC 9R14
                flags\t\t: fpu sse4_2 avx avx2 fma bmi2 avx512f avx512bw avx512dq avx512vl avx512cd hypervisor
                
                processor\t: 1
                model name\t: AMD EPYC 9R14
                flags\t\t: fpu sse4_2 avx avx2 fma bmi2 avx512f avx512bw avx512dq avx512vl avx512cd hypervisor
                """);
        NodeProbe.Facts f = NodeProbe.probe(root, 2, List.of());
        assertEquals("AMD EPYC 9R14", f.cpuModel());
        assertEquals(2, f.hostCores());
        assertEquals(List.of("avx", "avx2", "avx512bw", "avx512cd", "avx512dq", "avx512f", "avx512vl", "bmi2", "fma", "sse4_2"),
                f.cpuFeatures());
    }

    @Test
    void shouldReadArmFeatures() throws Exception {
        write("proc/cpuinfo", """
                processor\t: 0
                Features\t: fp asimd evtstrm aes sve
                CPU part\t: 0xd40
                """);
        NodeProbe.Facts f = NodeProbe.probe(root, 1, List.of());
        assertEquals(List.of("asimd", "sve"), f.cpuFeatures());
        assertEquals("0xd40", f.cpuModel());
    }

    @Test
    void shouldCountTheCgroupV2QuotaNotTheHostCores() throws Exception {
        write("proc/cpuinfo", "processor : 0\nprocessor : 1\nprocessor : 2\nprocessor : 3\n");
        write("sys/fs/cgroup/cpu.max", "150000 100000\n");
        NodeProbe.Facts f = NodeProbe.probe(root, 4, List.of());
        assertEquals(4, f.hostCores());
        assertEquals(1.5, f.usableCores());
        assertEquals("the cgroup CPU quota", f.coresSource());
    }

    @Test
    void shouldReadTheCgroupV1QuotaAndIgnoreAnUnlimitedOne() throws Exception {
        write("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "50000\n");
        write("sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
        assertEquals(0.5, NodeProbe.cgroupQuota(root));
        write("sys/fs/cgroup/cpu.max", "max 100000\n");
        assertNull(NodeProbe.cgroupQuota(root));
    }

    @Test
    void shouldReportEveryBackendWithAReasonOnThisMachine() {
        NodeProbe.Facts f = NodeProbe.probe();
        assertEquals(List.of("scalar", "simd", "native"), List.copyOf(f.backends().keySet()));
        f.backends().values().forEach(a -> assertTrue(!a.reason().isBlank()));
        assertTrue(f.usableCores() > 0 && f.usableCores() <= f.hostCores() + 1e-9);
        assertEquals(Backends.NAMES, List.copyOf(f.backends().keySet()));
    }
}
