package cloud.dawg.dsp.backend.jni;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Loads the JNI library shipped inside the jar ({@code /native/<os>-<arch>/libdawgdsp.so}) from
 * a copy in the temp folder ({@link #extract}). Never throws: a library that cannot load leaves the reason.
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
            System.load(extract(in.readAllBytes()).toAbsolutePath().toString());
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
        } catch (IOException | NoSuchAlgorithmException e) {
            return new NativeLibrary(false, "could not extract " + resource + ": " + e.getMessage());
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return new NativeLibrary(false, "could not load " + resource + ": " + e.getMessage());
        }
    }

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    /**
     * The library's file in this user's folder under the temp folder, named by its content: each
     * build of the library is written once and reused by every JVM after it, so nothing piles up
     * (a temp file per JVM was left behind by every JVM that was killed), and profilers find the
     * code they sampled (a file deleted after loading has no symbols for them). Written to a
     * temp file and renamed, so a JVM never loads a half-written library; in a folder only this
     * user can write, so nobody else can put a file under the name.
     */
    static Path extract(byte[] library) throws IOException, NoSuchAlgorithmException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(library);
        Path folder = Path.of(System.getProperty("java.io.tmpdir"), "dawg-native-" + System.getProperty("user.name"));
        if (!Files.isDirectory(folder)) {
            try {
                Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException raced) {
                // another JVM made it first
            }
        }
        if (!Files.getOwner(folder).getName().equals(System.getProperty("user.name"))
                || !Files.getPosixFilePermissions(folder).equals(OWNER_ONLY)) {
            throw new IOException(folder + " is not a folder only this user can write");
        }
        Path file = folder.resolve("libdawgdsp-" + HexFormat.of().formatHex(digest, 0, 12) + ".so");
        if (!Files.exists(file) || !Arrays.equals(Files.readAllBytes(file), library)) {
            Path temp = Files.createTempFile(folder, "libdawgdsp", ".tmp");
            try {
                Files.write(temp, library);
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        return file;
    }
}
