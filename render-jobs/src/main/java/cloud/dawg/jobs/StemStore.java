package cloud.dawg.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where render inputs and outputs live, shared by the gateway and every worker (a folder locally,
 * a shared volume in compose, a ReadWriteMany volume in Kubernetes). Everything is addressed by a
 * content id (64 hex digits): an input by the hash of its bytes, an output by the hash of
 * everything that determines it, so a repeated task finds its output already there. No id can
 * name a path outside the store.
 */
public interface StemStore {
    /** What is stored. */
    enum Kind {
        /** Uploaded audio and MIDI files. */
        INPUT("inputs"),
        /** An instrument track's audio before its strip (synth output). */
        DRY("dry"),
        /** A track through its strip. */
        STEM("stems"),
        /** A job's master mix. */
        MIX("mixes");

        final String folder;

        Kind(String folder) {
            this.folder = folder;
        }
    }

    /** Writes a file's content to a path that does not exist yet. */
    interface Writer {
        void writeTo(Path temp) throws Exception;
    }

    /** The path of an item (it may not exist); an invalid id is an IllegalArgumentException. */
    Path path(Kind kind, String id);

    boolean exists(Kind kind, String id);

    /**
     * Writes an item atomically: the writer fills a temporary file that is renamed into place
     * only when complete, so readers never see a partial file. If the item exists, nothing is written.
     *
     * @return true if this call wrote it, false if it was already there
     */
    boolean write(Kind kind, String id, Writer writer) throws Exception;

    /** Stores an upload under the hash of its bytes and returns that id. */
    String putInput(InputStream content) throws IOException;

    /** The folder that holds inputs, against which a job's project resolves its file references. */
    Path inputFolder();

    /** Facts about a job that every worker must see (the store is shared; Kafka is not read back by workers). */
    enum Mark {
        /** The job was cancelled: its remaining tasks are skipped. */
        CANCELLED,
        /** A mixdown task was published for the job (so finishing stems need not publish another). */
        MIXDOWN_REQUESTED
    }

    void mark(String jobId, Mark mark) throws IOException;

    boolean marked(String jobId, Mark mark);

    /** Removes what writers that died mid-write left behind; returns how many writers' leftovers. */
    int sweepOrphans() throws IOException;

    /** Deletes items not modified for longer than {@code age} (and dead writers' leftovers); returns how many. */
    int purgeOlderThan(Duration age) throws IOException;
}
