package cloud.dawg.jobs;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The topics of the render pipeline (docs/render-jobs.md): names, partitions, retention. */
public final class JobTopics {
    /** Instrument tasks, for synth workers (consumer group {@value #SYNTH_GROUP}). */
    public static final String SYNTH_TASKS = "dawg.render.tasks.synth";
    /** Strip and mixdown tasks, for mix workers (consumer group {@value #MIX_GROUP}). */
    public static final String MIX_TASKS = "dawg.render.tasks.mix";
    /** Job events: the job state's only source. */
    public static final String EVENTS = "dawg.render.events";
    /** Tasks that failed every attempt, with the error in a header. */
    public static final String DEAD_LETTER = "dawg.render.dead-letter";

    public static final String SYNTH_GROUP = "dawg-render-synth";
    public static final String MIX_GROUP = "dawg-render-mix";

    /** Task partitions bound how many workers of a kind can share the work. */
    public static final int TASK_PARTITIONS = 12;
    public static final int EVENT_PARTITIONS = 3;
    static final long TASK_RETENTION_MS = TimeUnit.DAYS.toMillis(1);
    static final long EVENT_RETENTION_MS = TimeUnit.DAYS.toMillis(7);

    private JobTopics() {
    }

    /** Creates the topics that are missing (a broker without auto-creation needs this). */
    public static void ensure(String bootstrapServers) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> topics = List.of(
                    topic(SYNTH_TASKS, TASK_PARTITIONS, TASK_RETENTION_MS),
                    topic(MIX_TASKS, TASK_PARTITIONS, TASK_RETENTION_MS),
                    topic(EVENTS, EVENT_PARTITIONS, EVENT_RETENTION_MS),
                    topic(DEAD_LETTER, 1, EVENT_RETENTION_MS));
            for (var result : admin.createTopics(topics).values().values()) {
                try {
                    result.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create the render topics on " + bootstrapServers + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the render topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no Kafka broker answered at " + bootstrapServers + " within 30 s", e);
        }
    }

    private static NewTopic topic(String name, int partitions, long retentionMs) {
        // the broker's default replication: 1 on the embedded broker, the cluster's choice elsewhere
        return new NewTopic(name, java.util.Optional.of(partitions), java.util.Optional.empty()).configs(Map.of("retention.ms", Long.toString(retentionMs)));
    }
}
