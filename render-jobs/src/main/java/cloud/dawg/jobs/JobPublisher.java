package cloud.dawg.jobs;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes tasks and job events, waiting for the broker's acknowledgement (acks=all, idempotent)
 * so a caller that then commits its own offset knows what it published is durable.
 */
public final class JobPublisher implements AutoCloseable {
    private final KafkaProducer<String, String> producer;

    public JobPublisher(String bootstrapServers, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producer = new KafkaProducer<>(p);
    }

    /**
     * Starts a job: its SUBMITTED event (carrying the plan) first, so the job exists before any of
     * its tasks can report, then one task per track (instrument tracks start on a synth worker).
     */
    public JobEvent submit(JobPlan plan) {
        JobEvent submitted = JobEvent.of(plan.jobId(), JobEvent.Type.SUBMITTED).withPlan(plan);
        event(submitted);
        for (JobPlan.TrackPlan t : plan.tracks()) {
            task(new RenderTask(plan.jobId(), t.instrument() ? RenderTask.Kind.INSTRUMENT : RenderTask.Kind.STRIP, t.index(), 1, plan));
        }
        return submitted;
    }

    public void task(RenderTask task) {
        send(new ProducerRecord<>(task.kind() == RenderTask.Kind.INSTRUMENT ? JobTopics.SYNTH_TASKS : JobTopics.MIX_TASKS,
                task.key(), Json.write(task)));
    }

    public void event(JobEvent event) {
        send(new ProducerRecord<>(JobTopics.EVENTS, event.jobId(), Json.write(event)));
    }

    /** A task that failed every attempt, with the reason in the {@code error} header. */
    public void deadLetter(String key, String task, String error) {
        ProducerRecord<String, String> r = new ProducerRecord<>(JobTopics.DEAD_LETTER, key, task);
        r.headers().add("error", error.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        send(r);
    }

    /** Sends without waiting (progress: losing one is harmless). */
    public void eventLater(JobEvent event) {
        producer.send(new ProducerRecord<>(JobTopics.EVENTS, event.jobId(), Json.write(event)));
    }

    private void send(ProducerRecord<String, String> record) {
        try {
            producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + record.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish to " + record.topic() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
