package cloud.dawg.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A {@link StemStore} in a folder: {@code inputs/}, {@code dry/}, {@code stems/}, {@code mixes/}, {@code marks/}. */
public final class FileStemStore implements StemStore {
    private static final Pattern CONTENT_ID = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");

    private final Path root;

    public FileStemStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        for (Kind kind : Kind.values()) {
            Files.createDirectories(this.root.resolve(kind.folder));
        }
        Files.createDirectories(this.root.resolve("marks"));
        Files.createDirectories(this.root.resolve("tmp"));
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
        Path temp = Files.createTempFile(root.resolve("tmp"), kind.folder + "-", ".partial");
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
        Path temp = Files.createTempFile(root.resolve("tmp"), "upload-", ".partial");
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

    @Override
    public int purgeOlderThan(Duration age) throws IOException {
        Instant cutoff = Instant.now().minus(age);
        int purged = 0;
        for (String folder : new String[]{"inputs", "dry", "stems", "mixes", "marks", "tmp"}) {
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
