package cloud.dawg.cli;

import cloud.dawg.dsp.backend.Backend;
import cloud.dawg.render.OfflineRenderer;
import cloud.dawg.render.Project;
import cloud.dawg.render.ProjectException;
import cloud.dawg.render.ProjectParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "render", mixinStandardHelpOptions = true,
        description = {"Renders a project offline: DIR/<track>.wav for each track (strip output after mute/solo)",
                "and DIR/mix.wav (the master), 32-bit float stereo WAV. See docs/project-format.md."})
final class RenderCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PROJECT.json", description = "the project file")
    Path project;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (created if missing)")
    Path out;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|scalar|simd|native",
            description = "DSP backend; auto picks native, then simd, then scalar (default: ${DEFAULT-VALUE})")
    String backend;

    @Override
    public Integer call() {
        try {
            Backend chosen = BackendChoice.single(backend);
            Project parsed = ProjectParser.parse(project);
            ProgressBar bar = ProgressBar.onTerminal();
            long started = System.nanoTime();
            OfflineRenderer.Result result = OfflineRenderer.render(parsed, out, chosen, bar);
            bar.done();
            double seconds = (System.nanoTime() - started) / 1e9;
            double audio = (double) result.frames() / parsed.sampleRate();
            System.out.printf("rendered %d tracks, %.2f s of audio in %.2f s (%.0fx realtime) with the %s backend%n",
                    parsed.tracks().size(), audio, seconds, audio / seconds, result.backend());
            for (Path file : result.files()) {
                System.out.println("  " + file);
            }
            if (result.sanitisedSamples() > 0) {
                System.err.println("warning: " + result.sanitisedSamples() + " NaN/infinite input samples were replaced by silence");
            }
            if (result.stateResets() > 0) {
                System.err.println("warning: " + result.stateResets() + " strips were reset after their state overflowed");
            }
            return 0;
        } catch (BackendChoice.BadInput | ProjectException e) {
            System.err.println("dawg render: " + e.getMessage());
            return DawgCli.BAD_INPUT;
        } catch (IOException e) {
            System.err.println("dawg render: I/O error: " + e.getMessage() + " (no output was written)");
            return 1;
        }
    }
}
