package cloud.dawg.mixservice;

import cloud.dawg.dsp.backend.BackendChain;
import cloud.dawg.service.Admission;
import cloud.dawg.service.BlockMetrics;
import cloud.dawg.service.InlineBlocks;
import cloud.dawg.service.SelectedBackend;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/** What every session of this instance shares: backend, admission, pools and metrics. */
record MixServiceContext(SelectedBackend backend, BackendChain chain, Admission admission, BlockMetrics metrics,
                         ExecutorService workers, InlineBlocks inline, ScheduledExecutorService timer, int sessionCapacity) {

    /** One block's duration: a block waits at most that long for its missing tracks. */
    long defaultDeadlineNanos(int sampleRate, int frames) {
        return frames * 1_000_000_000L / sampleRate;
    }
}
