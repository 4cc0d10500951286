package cloud.dawg.synthservice;

import cloud.dawg.dsp.backend.BackendChain;
import cloud.dawg.service.Admission;
import cloud.dawg.service.BlockMetrics;
import cloud.dawg.service.InlineBlocks;
import cloud.dawg.service.SelectedBackend;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/** What every instrument of this instance shares: backend, admission, pool, inline budget and metrics. */
final class SynthServiceContext {
    private final SelectedBackend backend;
    private final BackendChain chain;
    private final Admission admission;
    private final BlockMetrics metrics;
    private final ExecutorService workers;
    private final InlineBlocks inline;
    private final Set<LiveInstrument> open = ConcurrentHashMap.newKeySet();

    SynthServiceContext(SelectedBackend backend, BackendChain chain, Admission admission, BlockMetrics metrics, ExecutorService workers,
                        InlineBlocks inline) {
        this.backend = backend;
        this.chain = chain;
        this.admission = admission;
        this.metrics = metrics;
        this.workers = workers;
        this.inline = inline;
    }

    SelectedBackend backend() { return backend; }
    BackendChain chain() { return chain; }
    Admission admission() { return admission; }
    BlockMetrics metrics() { return metrics; }
    ExecutorService workers() { return workers; }
    InlineBlocks inline() { return inline; }

    void opened(LiveInstrument instrument) { open.add(instrument); }
    void closed(LiveInstrument instrument) { open.remove(instrument); }

    /** Voices sounding now across the open instruments (read by the metrics scrape; approximate while rendering). */
    int activeVoices() {
        int n = 0;
        for (LiveInstrument i : open) {
            n += i.activeVoices();
        }
        return n;
    }
}
