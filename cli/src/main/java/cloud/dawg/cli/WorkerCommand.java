package cloud.dawg.cli;

import cloud.dawg.jobs.FileStemStore;
import cloud.dawg.jobs.JobTopics;
import cloud.dawg.jobs.TaskWorker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * A render worker as a process of its own, outside the services: for adding render capacity to a
 * machine, for scale-out measurements, and for tests that kill a worker mid-job. It joins the same
 * consumer groups as the workers inside mix-service and synth-service (docs/render-jobs.md).
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run a render worker: take render tasks from Kafka and write their outputs to the stem store, until stopped.",
                "Prints 'dawg worker: NAME ready' once it has joined its consumer groups."})
final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", defaultValue = "${env:DAWG_KAFKA_BOOTSTRAP}", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: $DAWG_KAFKA_BOOTSTRAP)")
    String bootstrap;

    @Option(names = "--store", defaultValue = "${env:DAWG_STEM_STORE:-out/store}", paramLabel = "DIR",
            description = "the stem store folder shared with the gateway (default: $DAWG_STEM_STORE or ${DEFAULT-VALUE})")
    Path store;

    @Option(names = "--tasks", defaultValue = "synth,mix", split = ",", paramLabel = "synth|mix",
            description = "which task topics to take (default: ${DEFAULT-VALUE})")
    List<String> tasks;

    @Option(names = "--name", description = "this worker's name in job events (default: worker@HOST-PID)")
    String name;

    @Override
    public Integer call() throws Exception {
        if (bootstrap == null || bootstrap.isBlank()) {
            System.err.println("dawg worker: no Kafka bootstrap server: pass --bootstrap HOST:PORT or set DAWG_KAFKA_BOOTSTRAP");
            return DawgCli.BAD_INPUT;
        }
        for (String t : tasks) {
            if (!t.equals("synth") && !t.equals("mix")) {
                System.err.println("dawg worker: --tasks takes synth and/or mix, not '" + t + "'");
                return DawgCli.BAD_INPUT;
            }
        }
        String me = name != null ? name : "worker@" + host() + "-" + ProcessHandle.current().pid();
        FileStemStore stems;
        try {
            stems = new FileStemStore(store);
        } catch (IOException e) {
            System.err.println("dawg worker: cannot open the stem store " + store + ": " + e);
            return 1;
        }
        try {
            JobTopics.ensure(bootstrap);
        } catch (RuntimeException e) {
            System.err.println("dawg worker: cannot reach Kafka at " + bootstrap + ": " + e.getMessage());
            return 1;
        }
        List<TaskWorker> workers = new ArrayList<>();
        for (String t : tasks.stream().distinct().toList()) {
            boolean mix = t.equals("mix");
            workers.add(new TaskWorker(bootstrap, mix ? JobTopics.MIX_TASKS : JobTopics.SYNTH_TASKS,
                    mix ? JobTopics.MIX_GROUP : JobTopics.SYNTH_GROUP, me, stems).start());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            workers.forEach(TaskWorker::close); // a task in progress finishes and is committed first
            stopped.countDown();
        }));
        for (TaskWorker w : workers) {
            w.awaitAssignment();
        }
        System.out.println("dawg worker: " + me + " ready (tasks: " + String.join(",", tasks).toLowerCase(Locale.ROOT)
                + ", store: " + stems.root() + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
