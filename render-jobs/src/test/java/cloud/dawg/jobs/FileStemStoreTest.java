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
        try (var tmp = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, tmp.count(), "and no temporary file");
        }
        assertTrue(store.write(StemStore.Kind.STEM, id, temp -> Files.writeString(temp, "first")));
        assertFalse(store.write(StemStore.Kind.STEM, id, temp -> Files.writeString(temp, "second")), "an existing output is kept");
        assertEquals("first", Files.readString(store.path(StemStore.Kind.STEM, id)));
    }
}
