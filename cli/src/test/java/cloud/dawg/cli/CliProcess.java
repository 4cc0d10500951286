package cloud.dawg.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@code dawg} subcommand in a JVM of its own, on the test's classpath, as a user would run it. */
record CliProcess(Process process, String readyLine) {

    /** Starts {@code dawg ARGS} and waits (60 s at most) for a line of its output that contains {@code ready}. */
    static CliProcess start(String ready, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), DawgCli.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        StringBuilder seen = new StringBuilder();
        for (String line; System.nanoTime() < until && (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.contains(ready)) {
                Thread.ofVirtual().start(() -> out.lines().forEach(l -> { })); // keep draining its output
                return new CliProcess(p, line);
            }
        }
        p.destroyForcibly();
        throw new AssertionError("dawg " + String.join(" ", args) + " did not print '" + ready + "':\n" + seen);
    }
}
