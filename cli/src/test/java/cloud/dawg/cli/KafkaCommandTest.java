package cloud.dawg.cli;

import cloud.dawg.jobs.JobEvent;
import cloud.dawg.jobs.JobPublisher;
import cloud.dawg.jobs.JobStates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dawg kafka} as a process: a real broker whose data (topics, job events) outlives it. */
class KafkaCommandTest {
    private static final Pattern READY = Pattern.compile("broker ready at (\\S+) \\(data: ([^;]+);");

    @TempDir
    Path dir;

    @Test
    void shouldKeepTheRenderTopicsAndJobEventsInItsFolderAcrossARestart() throws Exception {
        Path data = dir.resolve("kafka");
        String jobId = "0123456789abcdef0123456789abcdef";
        CliProcess first = CliProcess.start("broker ready", "kafka", "--data", data.toString());
        try {
            Matcher m = READY.matcher(first.readyLine());
            assertTrue(m.find(), first.readyLine());
            String firstBootstrap = m.group(1);
            assertEquals(data.toAbsolutePath().toString(), m.group(2), "the data folder is the one asked for");
            try (JobPublisher publisher = new JobPublisher(firstBootstrap, "test")) {
                publisher.event(JobEvent.of(jobId, JobEvent.Type.CANCELLED).withMessage("before the restart"));
            }
        } finally {
            first.process().destroy(); // SIGTERM: the broker shuts down cleanly
            assertTrue(first.process().waitFor(30, TimeUnit.SECONDS), "the broker stops on SIGTERM");
        }
        assertTrue(Files.exists(data.resolve("meta.properties")), "formatted once, in the folder");

        CliProcess second = CliProcess.start("broker ready", "kafka", "--data", data.toString());
        try (JobStates states = new JobStates(bootstrapOf(second), "after-restart").start()) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(states.caughtUp() && states.get(jobId).isPresent()) && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertTrue(states.get(jobId).isPresent(), "the event published before the restart is still on the topic");
            assertEquals("cancelled", states.get(jobId).orElseThrow().toJson("").get("state").asText());
        } finally {
            second.process().destroy();
            assertTrue(second.process().waitFor(30, TimeUnit.SECONDS), "the restarted broker stops on SIGTERM");
        }

        // two brokers cannot share a folder: the second says so and exits
        CliProcess third = CliProcess.start("broker ready", "kafka", "--data", data.toString());
        try {
            Process clash = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), DawgCli.class.getName(), "kafka", "--data", data.toString())
                    .redirectErrorStream(true).start();
            String out = new String(clash.getInputStream().readAllBytes());
            assertTrue(clash.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, clash.exitValue(), out);
            assertTrue(out.contains("dawg kafka: another broker is using " + data.toAbsolutePath()), out);
            try (JobStates states = new JobStates(bootstrapOf(third), "after-clash").start()) {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!(states.caughtUp() && states.get(jobId).isPresent()) && System.nanoTime() < until) {
                    Thread.sleep(50);
                }
                assertTrue(states.get(jobId).isPresent(), "the running broker is untouched by the refused one");
            }
        } finally {
            third.process().destroy();
            assertTrue(third.process().waitFor(30, TimeUnit.SECONDS), "and still stops cleanly");
        }
    }

    private static String bootstrapOf(CliProcess p) {
        Matcher m = READY.matcher(p.readyLine());
        assertTrue(m.find(), p.readyLine());
        return m.group(1);
    }
}
