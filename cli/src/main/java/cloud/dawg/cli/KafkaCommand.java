package cloud.dawg.cli;

import cloud.dawg.jobs.JobTopics;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * A single-node Kafka (KRaft, broker and controller in one) in this process, with the render
 * topics created: the default of {@code ./dawg up} when no bootstrap server is configured. It is
 * Kafka's own server, not a stand-in, and keeps its data in a folder ({@code out/kafka} by
 * default), so topics, job events and committed offsets survive a restart: a restarted stack
 * serves the same render jobs. Runs until stopped. Prints {@code broker ready at HOST:PORT} for
 * scripts to read.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = "Run a single-node Kafka broker (KRaft) with the render topics, its data in a local folder, until stopped.")
public final class KafkaCommand implements Callable<Integer> {
    @Option(names = "--data", defaultValue = "out/kafka", paramLabel = "DIR",
            description = "the broker's data folder, created and formatted on first use (default: ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--port", defaultValue = "0", description = "the client port (default: a free port)")
    int port;

    /** Held (never closed) while the broker runs: a collected channel would release the lock. */
    private FileChannel folderLock;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            System.err.println("dawg kafka: --port must be 0..65535");
            return DawgCli.BAD_INPUT;
        }
        Path dir = data.toAbsolutePath().normalize();
        int clientPort = port == 0 ? freePort() : port, controllerPort = freePort();
        KafkaRaftServer server;
        try {
            Files.createDirectories(dir);
            // before Kafka touches the folder: a second broker's controller would write to the first one's
            // metadata log before Kafka's own log-directory lock stops it (seen: the first broker then hung
            // on shutdown). Released by the OS when this process ends.
            folderLock = FileChannel.open(dir.resolve("dawg-kafka.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (folderLock.tryLock() == null) {
                System.err.println("dawg kafka: another broker is using " + dir + "; stop it or choose another --data folder");
                return 1;
            }
            if (!Files.exists(dir.resolve("meta.properties"))) { // formatted once; later starts reuse the data
                new Formatter().setClusterId(Uuid.randomUuid().toString()).setNodeId(1).addDirectory(dir.toString())
                        .setMetadataLogDirectory(dir.toString()).setControllerListenerName("CONTROLLER")
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION).setPrintStream(System.err).run();
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(config(dir, clientPort, controllerPort)), Time.SYSTEM);
            server.startup();
        } catch (Exception e) {
            System.err.println("dawg kafka: cannot start the broker on " + dir + ": " + e.getMessage());
            return 1;
        }
        String bootstrap = "localhost:" + clientPort;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown();
            server.awaitShutdown();
            stopped.countDown();
        }));
        try {
            JobTopics.ensure(bootstrap);
        } catch (RuntimeException e) {
            System.err.println("dawg kafka: the broker started but the render topics could not be created: " + e.getMessage());
            return 1;
        }
        System.out.println("dawg kafka: broker ready at " + bootstrap + " (data: " + dir + "; topics: " + JobTopics.SYNTH_TASKS + ", "
                + JobTopics.MIX_TASKS + ", " + JobTopics.EVENTS + ", " + JobTopics.DEAD_LETTER + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }

    private static Properties config(Path dir, int clientPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + clientPort + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + clientPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dir.toString());
        // one node: internal topics cannot have more replicas than that
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0"); // workers join at once
        p.put("auto.create.topics.enable", "false"); // only the render topics, with their partitions and retention
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
