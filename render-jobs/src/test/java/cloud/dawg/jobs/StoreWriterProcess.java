package cloud.dawg.jobs;

import java.nio.file.Files;
import java.nio.file.Path;

/** A separate process that opens a store, starts writing a file into it and never finishes. */
public final class StoreWriterProcess {
    private StoreWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        FileStemStore store = new FileStemStore(Path.of(args[0]));
        Files.writeString(store.temporaryFolder().resolve("stems-half.partial"), "half a stem");
        System.out.println("writing in " + store.temporaryFolder());
        System.out.flush();
        Thread.sleep(120_000);
    }
}
