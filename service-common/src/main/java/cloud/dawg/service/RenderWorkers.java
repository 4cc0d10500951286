package cloud.dawg.service;

import cloud.dawg.jobs.FileStemStore;
import cloud.dawg.jobs.JobTopics;
import cloud.dawg.jobs.TaskWorker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;

/** Starts a service's render worker (docs/render-jobs.md) and exports its counters. */
public final class RenderWorkers {
    private RenderWorkers() {
    }

    /**
     * @param service "mix-service" (strip and mixdown tasks) or "synth-service" (instrument tasks)
     */
    public static TaskWorker start(String service, String bootstrapServers, String store, MeterRegistry meters) throws IOException {
        JobTopics.ensure(bootstrapServers);
        boolean mix = service.equals("mix-service");
        String name = service + "@" + host() + "-" + ProcessHandle.current().pid();
        TaskWorker worker = new TaskWorker(bootstrapServers, mix ? JobTopics.MIX_TASKS : JobTopics.SYNTH_TASKS,
                mix ? JobTopics.MIX_GROUP : JobTopics.SYNTH_GROUP, name, new FileStemStore(Path.of(store))).start();
        counter(meters, service, worker, "done", TaskWorker::tasksDone);
        counter(meters, service, worker, "cached", TaskWorker::cacheHits);
        counter(meters, service, worker, "failed", TaskWorker::tasksFailed);
        return worker;
    }

    private static void counter(MeterRegistry meters, String service, TaskWorker worker, String outcome,
                                java.util.function.ToDoubleFunction<TaskWorker> f) {
        FunctionCounter.builder("dawg.render.tasks", worker, f)
                .description("Render tasks by outcome: done (cached ones included), cached (output already in the store), "
                        + "failed (every attempt failed; dead-lettered)")
                .tags("service", service, "outcome", outcome).register(meters);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
