package cloud.dawg.selector;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.dsp.backend.Backends;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What this node is and offers: OS and architecture, CPU model and the features that matter for
 * the DSP backends, the cores this process may really use (a container's CPU quota, not the
 * host's core count), the JDK, the Vector API, and each backend's availability with its reason.
 *
 * <p>Linux facts come from {@code /proc/cpuinfo} and the cgroup files under a root folder, so
 * tests can point the probe at a prepared tree.
 */
public final class NodeProbe {
    /** CPU flags reported when present: the ones the backends' code paths depend on. */
    static final Set<String> INTERESTING_FLAGS = Set.of("sse4_2", "avx", "avx2", "fma", "bmi2", "avx512f",
            "avx512bw", "avx512dq", "avx512vl", "avx512cd", "asimd", "sve", "sve2");

    private NodeProbe() {
    }

    /**
     * The facts. {@code usableCores} is fractional when a cgroup quota says so (e.g. 1.5);
     * {@code isa} is what each backend runs here (avx512, vector-api-512bit, java, or none).
     */
    public record Facts(String os, String arch, String cpuModel, int hostCores, double usableCores, String coresSource,
                        List<String> cpuFeatures, String jdk, boolean vectorApi, int preferredVectorBits,
                        Map<String, Backend.Availability> backends, Map<String, String> isa) {
    }

    /** Probes this machine and JVM. */
    public static Facts probe() {
        return probe(Path.of("/"), Runtime.getRuntime().availableProcessors(), Backends.all());
    }

    static Facts probe(Path root, int jvmProcessors, List<Backend> backends) {
        List<String> cpuinfo = readLines(root.resolve("proc/cpuinfo"));
        String model = "unknown";
        Set<String> features = new TreeSet<>();
        int hostCores = 0;
        for (String line : cpuinfo) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "processor" -> hostCores++;
                case "model name", "Model", "CPU part" -> {
                    if (model.equals("unknown") && !value.isEmpty()) {
                        model = value;
                    }
                }
                case "flags", "Features" -> {
                    for (String flag : value.split("\\s+")) {
                        if (INTERESTING_FLAGS.contains(flag)) {
                            features.add(flag);
                        }
                    }
                }
                default -> { }
            }
        }
        if (hostCores == 0) {
            hostCores = jvmProcessors;
        }
        double usable = jvmProcessors;
        String source = "the JVM's available processors";
        Double quota = cgroupQuota(root);
        if (quota != null && quota < usable) {
            usable = quota;
            source = "the cgroup CPU quota";
        }
        Map<String, Backend.Availability> availability = new LinkedHashMap<>();
        Map<String, String> isa = new LinkedHashMap<>();
        for (Backend b : backends) {
            availability.put(b.name(), b.availability());
            isa.put(b.name(), b.capabilities().isa());
        }
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        return new Facts(System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT),
                System.getProperty("os.arch", "unknown"), model, hostCores, usable, source, new ArrayList<>(features),
                System.getProperty("java.runtime.version", System.getProperty("java.version", "unknown")),
                vector, vector ? VectorBits.preferred() : 0, availability, isa);
    }

    /**
     * The CPU quota in cores from cgroup v2 ({@code cpu.max}: "quota period" or "max period") or
     * v1 ({@code cpu.cfs_quota_us} / {@code cpu.cfs_period_us}), or null when unlimited or absent.
     */
    static Double cgroupQuota(Path root) {
        List<String> v2 = readLines(root.resolve("sys/fs/cgroup/cpu.max"));
        if (!v2.isEmpty()) {
            String[] parts = v2.getFirst().trim().split("\\s+");
            if (parts.length == 2 && !parts[0].equals("max")) {
                return ratio(parts[0], parts[1]);
            }
            return null;
        }
        List<String> quota = readLines(root.resolve("sys/fs/cgroup/cpu/cpu.cfs_quota_us"));
        List<String> period = readLines(root.resolve("sys/fs/cgroup/cpu/cpu.cfs_period_us"));
        if (!quota.isEmpty() && !period.isEmpty() && !quota.getFirst().trim().startsWith("-")) {
            return ratio(quota.getFirst().trim(), period.getFirst().trim());
        }
        return null;
    }

    private static Double ratio(String quota, String period) {
        try {
            double q = Double.parseDouble(quota), p = Double.parseDouble(period);
            return q > 0 && p > 0 ? q / p : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.isReadable(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Kept apart so that this class loads on a JVM without the Vector API module. */
    private static final class VectorBits {
        static int preferred() {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }
    }
}
