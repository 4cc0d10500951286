package cloud.dawg.cli;

import cloud.dawg.jobs.JobTopics;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * A single-node KRaft Kafka broker in this process (a real broker: the one Kafka's own tests use),
 * with the render topics created: the default of {@code ./dawg up} when no bootstrap server is
 * configured. Runs until stopped. The broker listens on a free port (the embedded test kit picks
 * it), printed as {@code broker ready at HOST:PORT} for scripts to read.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = "Run an embedded single-node Kafka broker (KRaft) with the render topics, until stopped.")
public final class KafkaCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, JobTopics.TASK_PARTITIONS);
        broker.brokerProperty("auto.create.topics.enable", "false");
        try {
            broker.afterPropertiesSet();
        } catch (RuntimeException e) {
            System.err.println("dawg kafka: cannot start the broker: " + e.getMessage());
            return 1;
        }
        JobTopics.ensure(broker.getBrokersAsString());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.destroy();
            stopped.countDown();
        }));
        System.out.println("dawg kafka: broker ready at " + broker.getBrokersAsString() + " (topics: " + JobTopics.SYNTH_TASKS + ", "
                + JobTopics.MIX_TASKS + ", " + JobTopics.EVENTS + ", " + JobTopics.DEAD_LETTER + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
