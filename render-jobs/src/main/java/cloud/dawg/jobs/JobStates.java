package cloud.dawg.jobs;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Every job's state, folded from the event topic read from its beginning, so any gateway replica
 * (or one restarted mid-job) serves the same state: the topic is the only copy.
 */
public final class JobStates implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobStates.class);

    private final KafkaConsumer<String, String> consumer;
    private final Map<String, JobState> jobs = new ConcurrentHashMap<>();
    private final List<Consumer<JobEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;

    public JobStates(String bootstrapServers, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumer = new KafkaConsumer<>(p);
        thread = Thread.ofPlatform().name("render-job-states").daemon().unstarted(this::run);
    }

    public JobStates start() {
        thread.start();
        return this;
    }

    /** True once every event that existed at start-up has been applied. */
    public boolean caughtUp() {
        return caughtUp;
    }

    public Optional<JobState> get(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Waits until the job is done, failed or cancelled; empty if that takes longer than {@code timeout}. */
    public Optional<JobState> awaitFinished(String id, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        do {
            JobState s = jobs.get(id);
            if (s != null && s.finished()) {
                return Optional.of(s);
            }
            Thread.sleep(20);
        } while (System.nanoTime() < until);
        return Optional.empty();
    }

    /** Applies an event now (the publisher's own events, before they come back from the topic). */
    public void apply(JobEvent event) {
        JobState state = jobs.computeIfAbsent(event.jobId(), JobState::new);
        synchronized (state) {
            state.apply(event);
        }
        for (Consumer<JobEvent> l : listeners) {
            l.accept(event);
        }
    }

    /** Calls {@code listener} with every event applied from now on (on the consumer's thread). */
    public Runnable listen(Consumer<JobEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void run() {
        try {
            List<TopicPartition> partitions;
            while (true) {
                List<PartitionInfo> info = consumer.partitionsFor(JobTopics.EVENTS, Duration.ofSeconds(30));
                if (info != null && !info.isEmpty()) {
                    partitions = info.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
                    break;
                }
                Thread.sleep(500);
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (running) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        apply(Json.read(r.value(), JobEvent.class));
                    } catch (Exception e) {
                        LOG.warn("skipping an unreadable job event at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
                    }
                }
                if (!caughtUp && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                }
            }
        } catch (WakeupException | InterruptedException stopping) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("job states stopped following {}: {}", JobTopics.EVENTS, e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
