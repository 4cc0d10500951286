package cloud.dawg.jobs;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A worker in a consumer group: takes one task at a time from its topic, renders it into the
 * store, publishes what follows (events, the next task), and only then commits the task's offset.
 * A worker that dies mid-task leaves no output (the store renames complete files only) and its
 * task is redelivered to another member of the group; a redelivered task whose output exists does
 * no work again. A failing task is retried as a new record at the end of its partition, so it
 * never blocks the tasks behind it, and after {@link #MAX_ATTEMPTS} it goes to the dead-letter
 * topic and fails its job.
 */
public final class TaskWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskWorker.class);
    public static final int MAX_ATTEMPTS = 3;

    private final String topic;
    private final String name;
    private final StemStore store;
    private final TaskRenderer renderer;
    private final JobPublisher publisher;
    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private final AtomicLong done = new AtomicLong(), failed = new AtomicLong(), cachedHits = new AtomicLong();
    private final AtomicLong cancelledMidway = new AtomicLong();
    private final CountDownLatch assigned = new CountDownLatch(1);
    private volatile boolean running = true;

    /** Thrown from a progress report when the task's job was cancelled while it rendered. */
    private static final class JobCancelled extends RuntimeException {
        JobCancelled() {
            super("the job was cancelled", null, false, false);
        }
    }

    /**
     * @param topic {@link JobTopics#SYNTH_TASKS} or {@link JobTopics#MIX_TASKS}
     * @param name  this worker's name in events and logs (e.g. the host name)
     */
    public TaskWorker(String bootstrapServers, String topic, String group, String name, StemStore store) {
        this.topic = topic;
        this.name = name;
        this.store = store;
        this.renderer = new TaskRenderer(store);
        this.publisher = new JobPublisher(bootstrapServers, name + "-producer");
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        // a render of a long project may take minutes; a dead worker should be noticed in seconds
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofMinutes(15).toMillis());
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1500);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumer = new KafkaConsumer<>(p);
        thread = Thread.ofPlatform().name("render-worker-" + topic).unstarted(this::run);
    }

    public TaskWorker start() {
        thread.start();
        return this;
    }

    public long tasksDone() { return done.get(); }
    public long tasksFailed() { return failed.get(); }
    public long cacheHits() { return cachedHits.get(); }
    /** Tasks abandoned mid-render because their job was cancelled. */
    public long tasksCancelledMidway() { return cancelledMidway.get(); }

    /** Waits until the group has given this worker its partitions (or 60 s pass). */
    public boolean awaitAssignment() throws InterruptedException {
        return assigned.await(60, TimeUnit.SECONDS);
    }

    private void run() {
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // a rebalance is when a dead member is noticed: clear what it was writing
                    try {
                        int swept = store.sweepOrphans();
                        if (swept > 0) {
                            LOG.info("render worker {} removed the unfinished files of {} stopped writer(s)", name, swept);
                        }
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("render worker {} could not sweep the store's temporary files: {}", name, e.toString());
                    }
                    assigned.countDown();
                }
            });
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    handle(record);
                    consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1)));
                }
            }
        } catch (WakeupException stopping) {
            // close() was called
        } catch (RuntimeException e) {
            LOG.error("render worker {} stopped: {}", name, e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(ConsumerRecord<String, String> record) {
        RenderTask task;
        try {
            task = Json.read(record.value(), RenderTask.class);
        } catch (Exception e) {
            publisher.deadLetter(record.key(), record.value(), "not a render task: " + e.getMessage());
            failed.incrementAndGet();
            return;
        }
        if (store.marked(task.jobId(), StemStore.Mark.CANCELLED)) {
            return;
        }
        try {
            execute(task);
            done.incrementAndGet();
        } catch (JobCancelled e) {
            LOG.info("{} of job {} abandoned: the job was cancelled", task.describe(), task.jobId());
            cancelledMidway.incrementAndGet();
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            if (task.attempt() < MAX_ATTEMPTS) {
                LOG.warn("{} of job {} failed (attempt {} of {}), retrying: {}", task.describe(), task.jobId(), task.attempt(),
                        MAX_ATTEMPTS, why);
                publisher.task(task.nextAttempt());
            } else {
                LOG.warn("{} of job {} failed {} times, giving up: {}", task.describe(), task.jobId(), MAX_ATTEMPTS, why);
                publisher.deadLetter(record.key(), record.value(), why);
                publisher.event(JobEvent.of(task.jobId(), JobEvent.Type.FAILED).withWorker(name)
                        .withTrack(task.kind() == RenderTask.Kind.MIXDOWN ? null : task.plan().tracks().get(task.track()).name())
                        .withMessage(task.describe() + " failed after " + MAX_ATTEMPTS + " attempts: " + why));
                failed.incrementAndGet();
            }
        }
    }

    private void execute(RenderTask task) throws Exception {
        JobPlan plan = task.plan();
        String track = task.kind() == RenderTask.Kind.MIXDOWN ? null : plan.tracks().get(task.track()).name();
        TaskRenderer.Progress progress = progress(task.jobId(), track);
        switch (task.kind()) {
            case INSTRUMENT -> {
                renderer.instrument(plan, task.track(), progress);
                publisher.task(new RenderTask(task.jobId(), RenderTask.Kind.STRIP, task.track(), 1, plan));
            }
            case STRIP -> {
                TaskRenderer.Output out = renderer.strip(plan, task.track(), progress);
                count(out);
                publisher.event(JobEvent.of(task.jobId(), JobEvent.Type.STEM_DONE).withTrack(track).withWorker(name)
                        .withStem(out.loudness(), out.cached()));
                // publish, then mark: a crash in between costs a duplicate mixdown (found in the store), never a lost one
                if (!store.marked(task.jobId(), StemStore.Mark.MIXDOWN_REQUESTED)
                        && plan.tracks().stream().allMatch(t -> store.exists(StemStore.Kind.STEM, t.stemId()))) {
                    publisher.task(new RenderTask(task.jobId(), RenderTask.Kind.MIXDOWN, -1, 1, plan));
                    store.mark(task.jobId(), StemStore.Mark.MIXDOWN_REQUESTED);
                }
            }
            case MIXDOWN -> {
                TaskRenderer.Output out = renderer.mixdown(plan, progress);
                count(out);
                publisher.event(JobEvent.of(task.jobId(), JobEvent.Type.MIX_DONE).withWorker(name).withStem(out.loudness(), out.cached()));
            }
        }
    }

    private void count(TaskRenderer.Output out) {
        if (out.cached()) {
            cachedHits.incrementAndGet();
        }
    }

    /**
     * Progress events at every tenth, sent without waiting (losing one is harmless); a cancelled
     * job's task stops at its next report.
     */
    private TaskRenderer.Progress progress(String jobId, String track) {
        double[] next = {0.1};
        return fraction -> {
            if (store.marked(jobId, StemStore.Mark.CANCELLED)) {
                throw new JobCancelled();
            }
            if (fraction >= next[0] && fraction < 1) {
                next[0] = Math.floor(fraction * 10) / 10 + 0.1;
                publisher.eventLater(JobEvent.of(jobId, JobEvent.Type.PROGRESS).withTrack(track).withProgress(fraction).withWorker(name));
            }
        };
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publisher.close();
    }
}
