package cloud.dawg.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileStemStoreTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseIdsThatCouldNameAPathOutsideTheStore() throws Exception {
        FileStemStore store = new FileStemStore(dir);
        for (String id : new String[]{"../../etc/passwd", "/etc/passwd", "a".repeat(63) + "/", "A".repeat(64), "", "..", null}) {
            assertThrows(IllegalArgumentException.class, () -> store.path(StemStore.Kind.STEM, id), String.valueOf(id));
        }
        assertThrows(IllegalArgumentException.class, () -> store.mark("../x", StemStore.Mark.CANCELLED));
    }

    @Test
    void shouldAddressAnUploadByTheHashOfItsBytes() throws Exception {
        FileStemStore store = new FileStemStore(dir);
        String id = store.putInput(new ByteArrayInputStream("abc".getBytes()));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", id, "SHA-256 of 'abc'");
        assertEquals(id, store.putInput(new ByteArrayInputStream("abc".getBytes())), "the same bytes, the same id");
        assertEquals("abc", Files.readString(store.path(StemStore.Kind.INPUT, id)));
    }

    @Test
    void shouldWriteAnOutputOnceAndLeaveNothingBehindWhenTheWriterFails() throws Exception {
        FileStemStore store = new FileStemStore(dir);
        String id = "0".repeat(64);
        assertThrows(IllegalStateException.class, () -> store.write(StemStore.Kind.STEM, id, temp -> {
            Files.writeString(temp, "half");
            throw new IllegalStateException("the render failed");
        }));
        assertFalse(store.exists(StemStore.Kind.STEM, id), "a failed write leaves no output");
        try (var tmp = Files.list(store.temporaryFolder())) {
            assertEquals(0, tmp.count(), "and no temporary file");
        }
        assertTrue(store.write(StemStore.Kind.STEM, id, temp -> Files.writeString(temp, "first")));
        assertFalse(store.write(StemStore.Kind.STEM, id, temp -> Files.writeString(temp, "second")), "an existing output is kept");
        assertEquals("first", Files.readString(store.path(StemStore.Kind.STEM, id)));
    }

    @Test
    void shouldSweepTheUnfinishedFilesOfAWriterProcessThatDiedButNeverThoseOfALiveOne() throws Exception {
        FileStemStore store = new FileStemStore(dir);
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StoreWriterProcess.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(writer.getInputStream())).readLine();
            assertTrue(line != null && line.startsWith("writing in "), "the writer started: " + line);
            Path itsFolder = Path.of(line.substring("writing in ".length()));
            assertTrue(Files.exists(itsFolder.resolve("stems-half.partial")));

            assertEquals(0, store.sweepOrphans(), "a live writer's files are left alone");
            assertTrue(Files.exists(itsFolder.resolve("stems-half.partial")));
            FileStemStore sameProcess = new FileStemStore(dir);
            assertEquals(0, sameProcess.sweepOrphans(), "nor are another live store's in this process");
            assertTrue(Files.isDirectory(store.temporaryFolder()));

            writer.destroyForcibly().waitFor();
            assertEquals(1, store.sweepOrphans(), "the killed writer's folder is swept");
            assertFalse(Files.exists(itsFolder), "with its half-written file");
            assertTrue(Files.isDirectory(store.temporaryFolder()) && Files.isDirectory(sameProcess.temporaryFolder()),
                    "live stores keep theirs");
            assertEquals(0, store.sweepOrphans());
        } finally {
            writer.destroyForcibly();
        }
    }
}
