package cloud.dawg.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dawg} command. Exit codes: 0 done, 1 failed, 2 bad input or usage. */
@Command(name = "dawg", mixinStandardHelpOptions = true, version = "dawg 0.1.0",
        description = "DAWG Cloud: server-side mixing for web DAWs.",
        subcommands = {RenderCommand.class, BenchCommand.class, ProbeCommand.class, DemoCommand.class, LoadtestCommand.class, KafkaCommand.class, WorkerCommand.class, BenchJobsCommand.class, CommandLine.HelpCommand.class})
public final class DawgCli {
    public static final int BAD_INPUT = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new DawgCli());
        cli.setExitCodeExceptionMapper(e -> BAD_INPUT);
        return cli;
    }
}
