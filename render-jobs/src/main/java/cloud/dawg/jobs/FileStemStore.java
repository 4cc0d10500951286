package cloud.dawg.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@link StemStore} in a folder: {@code inputs/}, {@code dry/}, {@code stems/}, {@code mixes/},
 * {@code marks/}, and {@code tmp/} for files being written.
 *
 * <p>Each store instance writes its temporary files in its own {@code tmp/<owner>/} folder and
 * holds an OS file lock on {@code tmp/<owner>.lock} while it lives. A process that dies mid-write
 * loses its lock with it, so {@link #sweepOrphans()} (run when a store opens, on every consumer
 * group rebalance and by retention) can tell a dead writer's leftovers from a live writer's work
 * without any clock or timeout.
 */
public final class FileStemStore implements StemStore {
    private static final Pattern CONTENT_ID = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");
    private static final String LOCK_SUFFIX = ".lock";
    /**
     * Owners alive in this JVM. Their lock files are never opened here: on POSIX, closing any
     * descriptor of a file drops every lock the process holds on it.
     */
    private static final Set<String> LIVE_OWNERS = ConcurrentHashMap.newKeySet();

    private final Path root;
    private final Path tmp;
    private final String owner;
    @SuppressWarnings("unused") // held for the life of the store: the OS releases it when the process dies
    private final FileLock ownerLock;

    public FileStemStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        for (Kind kind : Kind.values()) {
            Files.createDirectories(this.root.resolve(kind.folder));
        }
        Files.createDirectories(this.root.resolve("marks"));
        Path tmpRoot = Files.createDirectories(this.root.resolve("tmp"));
        owner = HexFormat.of().formatHex(random());
        ownerLock = FileChannel.open(tmpRoot.resolve(owner + LOCK_SUFFIX), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE).lock();
        tmp = Files.createDirectories(tmpRoot.resolve(owner));
        LIVE_OWNERS.add(owner);
        sweepOrphans();
    }

    private static byte[] random() {
        byte[] b = new byte[8];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }

    /** This store's folder for files being written (others' are left alone). */
    public Path temporaryFolder() {
        return tmp;
    }

    public Path root() {
        return root;
    }

    public static boolean isContentId(String id) {
        return id != null && CONTENT_ID.matcher(id).matches();
    }

    public static boolean isJobId(String id) {
        return id != null && JOB_ID.matcher(id).matches();
    }

    @Override
    public Path path(Kind kind, String id) {
        if (!isContentId(id)) {
            throw new IllegalArgumentException("'" + id + "' is not a content id (64 lowercase hex digits)");
        }
        return root.resolve(kind.folder).resolve(kind == Kind.INPUT ? id : id + ".wav");
    }

    @Override
    public boolean exists(Kind kind, String id) {
        return Files.isRegularFile(path(kind, id));
    }

    @Override
    public boolean write(Kind kind, String id, Writer writer) throws Exception {
        Path target = path(kind, id);
        if (Files.exists(target)) {
            return false;
        }
        Path temp = Files.createTempFile(tmp, kind.folder + "-", ".partial");
        Files.delete(temp); // writers create their file exclusively
        try {
            writer.writeTo(temp);
            return moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Renames atomically; another worker that got there first wins (same content by construction). */
    private static boolean moveIntoPlace(Path temp, Path target) throws IOException {
        if (Files.exists(target)) {
            return false;
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException raced) {
            return false;
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target);
        }
        return true;
    }

    @Override
    public String putInput(InputStream content) throws IOException {
        Path temp = Files.createTempFile(tmp, "upload-", ".partial");
        try {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha)) {
                content.transferTo(out);
            }
            String id = HexFormat.of().formatHex(sha.digest());
            moveIntoPlace(temp, path(Kind.INPUT, id));
            return id;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public Path inputFolder() {
        return root.resolve(Kind.INPUT.folder);
    }

    @Override
    public void mark(String jobId, Mark mark) throws IOException {
        Files.writeString(marker(jobId, mark), Instant.now().toString());
    }

    @Override
    public boolean marked(String jobId, Mark mark) {
        return Files.exists(marker(jobId, mark));
    }

    private Path marker(String jobId, Mark mark) {
        if (!isJobId(jobId)) {
            throw new IllegalArgumentException("'" + jobId + "' is not a job id (32 lowercase hex digits)");
        }
        return root.resolve("marks").resolve(jobId + "." + mark.name().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Deletes the temporary folders of store owners that are gone (their lock is free): what a
     * process killed mid-write left behind. Live owners, in this process or another, are untouched.
     *
     * @return how many dead owners' folders were removed
     */
    @Override
    public int sweepOrphans() throws IOException {
        int swept = 0;
        try (DirectoryStream<Path> locks = Files.newDirectoryStream(root.resolve("tmp"), "*" + LOCK_SUFFIX)) {
            for (Path lockFile : locks) {
                String other = lockFile.getFileName().toString();
                other = other.substring(0, other.length() - LOCK_SUFFIX.length());
                if (LIVE_OWNERS.contains(other) || !ownerIsGone(lockFile)) {
                    continue;
                }
                deleteTree(root.resolve("tmp").resolve(other));
                Files.deleteIfExists(lockFile);
                swept++;
            }
        }
        return swept;
    }

    private static boolean ownerIsGone(Path lockFile) {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
            return lock != null;
        } catch (IOException vanished) {
            return false; // another sweeper removed it first
        }
    }

    /** Deletes a folder and everything in it (nothing if it does not exist). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    @Override
    public int purgeOlderThan(Duration age) throws IOException {
        sweepOrphans();
        Instant cutoff = Instant.now().minus(age);
        int purged = 0;
        for (String folder : new String[]{"inputs", "dry", "stems", "mixes", "marks"}) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(root.resolve(folder))) {
                for (Path f : files) {
                    if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff) && Files.deleteIfExists(f)) {
                        purged++;
                    }
                }
            }
        }
        return purged;
    }
}
