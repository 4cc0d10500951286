package cloud.dawg.cli;

import cloud.dawg.render.OfflineRenderer;

import java.io.PrintStream;

/** A one-line progress bar on stderr, shown only when a person is watching a terminal. */
final class ProgressBar implements OfflineRenderer.Progress {
    private static final int WIDTH = 40;
    private final PrintStream out;
    private int lastPercent = -1;

    private ProgressBar(PrintStream out) {
        this.out = out;
    }

    static ProgressBar onTerminal() {
        return new ProgressBar(System.console() != null && System.console().isTerminal() ? System.err : null);
    }

    @Override
    public void update(long done, long total) {
        if (out == null) {
            return;
        }
        int percent = (int) (100 * done / Math.max(1, total));
        if (percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        int filled = percent * WIDTH / 100;
        out.print("\rrendering [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + percent + "%");
        out.flush();
    }

    void done() {
        if (out != null && lastPercent >= 0) {
            out.print("\r" + " ".repeat(WIDTH + 20) + "\r");
            out.flush();
        }
    }
}
