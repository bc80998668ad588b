package io.fleetplan.cli.load;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar on stderr (redrawn in place on a terminal, one line every 10 s otherwise). */
final class ProgressBar {

    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final boolean terminal;
    private long lastLineSecond = -10;

    ProgressBar(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    synchronized void show(LoadStats s, double elapsedSeconds) {
        long done = s.okCount() + s.failedCount();
        int filled = s.total() == 0 ? WIDTH : (int) (WIDTH * done / s.total());
        String line = String.format(Locale.ROOT, "[%s%s] %3d%% %d/%d sent, %d ok, %d failed, %d in flight, %.0f s",
                "#".repeat(filled), "-".repeat(WIDTH - filled), s.total() == 0 ? 100 : 100 * done / s.total(),
                s.sentCount(), s.total(), s.okCount(), s.failedCount(), s.sentCount() - done, elapsedSeconds);
        if (terminal) {
            err.print("\r" + line);
            err.flush();
        } else if ((long) elapsedSeconds - lastLineSecond >= 10) {
            lastLineSecond = (long) elapsedSeconds;
            err.println(line);
            err.flush();
        }
    }

    synchronized void done() {
        if (terminal) {
            err.println();
            err.flush();
        }
    }
}
