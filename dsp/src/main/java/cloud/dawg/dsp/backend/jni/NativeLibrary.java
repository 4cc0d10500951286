package cloud.dawg.dsp.backend.jni;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Loads the JNI library shipped inside the jar ({@code /native/<os>-<arch>/libdawgdsp.so}) by
 * copying it to a temporary file. Never throws: a library that cannot load leaves the reason.
 */
final class NativeLibrary {
    static final String DEFAULT_RESOURCE = "/native/" + platform() + "/libdawgdsp.so";
    /** System property naming another resource to load instead (tests use it to hide the library). */
    static final String RESOURCE_PROPERTY = "dawg.native.resource";

    /** The kernels' code levels, least capable first. */
    static final List<String> ISAS = List.of("baseline", "avx2", "avx512");
    /** Limits the code the kernels run to this level or below (never above what the CPU runs): to diagnose or compare. */
    static final String ISA_PROPERTY = "dawg.native.isa", ISA_VARIABLE = "DAWG_NATIVE_ISA";

    private final boolean loaded;
    private final String reason;

    private NativeLibrary(boolean loaded, String reason) {
        this.loaded = loaded;
        this.reason = reason;
    }

    boolean loaded() { return loaded; }
    String reason() { return reason; }

    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String osName = os.contains("linux") ? "linux" : os.contains("mac") ? "macos" : os.contains("win") ? "windows" : os;
        String archName = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return osName + "-" + archName;
    }

    static NativeLibrary load() {
        return load(System.getProperty(RESOURCE_PROPERTY, DEFAULT_RESOURCE));
    }

    static NativeLibrary load(String resource) {
        try (InputStream in = NativeLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                return new NativeLibrary(false, "no native library for " + platform() + " in the jar (looked for " + resource + ")");
            }
            Path file = Files.createTempFile("libdawgdsp", ".so");
            try {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toAbsolutePath().toString());
            } finally {
                // a loaded library stays mapped without its file: deleted now, not at exit, so that a
                // JVM that is killed leaves nothing behind (deleteOnExit left one file per killed run)
                Files.deleteIfExists(file);
            }
            String limit = System.getProperty(ISA_PROPERTY, System.getenv(ISA_VARIABLE));
            if (limit != null && !limit.isBlank()) {
                int level = ISAS.indexOf(limit.strip().toLowerCase(Locale.ROOT));
                if (level < 0) {
                    return new NativeLibrary(false, ISA_PROPERTY + " (or " + ISA_VARIABLE + ") is '" + limit + "', not one of " + ISAS);
                }
                String isa = ISAS.get(NativeMixKernel.limitIsa(level));
                return new NativeLibrary(true, "loaded " + resource + ", " + isa + " code (limited to " + ISAS.get(level) + ")");
            }
            String isa = NativeMixKernel.isa();
            return new NativeLibrary(true, "loaded " + resource + ", " + isa + " code selected for this CPU");
        } catch (IOException e) {
            return new NativeLibrary(false, "could not extract " + resource + ": " + e.getMessage());
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return new NativeLibrary(false, "could not load " + resource + ": " + e.getMessage());
        }
    }
}
