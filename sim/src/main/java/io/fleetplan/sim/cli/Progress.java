package io.fleetplan.sim.cli;

import io.fleetplan.common.cli.ProgressBar;
import io.fleetplan.sim.report.Evaluation;
import java.util.Locale;

/** Replay progress in simulated seconds on the CLI's progress bar (stderr, so stdout stays the table), or nothing. */
final class Progress implements Evaluation.Progress, AutoCloseable {

    private final ProgressBar bar;
    private final String task;
    private long totalNanos;
    private long doneNanos;

    private Progress(ProgressBar bar, String task) {
        this.bar = bar;
        this.task = task;
    }

    static Progress terminal(boolean enabled, String task) {
        return new Progress(enabled ? ProgressBar.stderr() : null, task);
    }

    @Override
    public synchronized void total(long nanos) {
        totalNanos = nanos;
    }

    @Override
    public synchronized void advance(long nanos) {
        doneNanos += nanos;
        if (bar != null) {
            bar.show(doneNanos, totalNanos, detail());
        }
    }

    private String detail() {
        return String.format(
                Locale.ROOT, "%s %d/%d sim-s", task, doneNanos / 1_000_000_000L, totalNanos / 1_000_000_000L);
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.finish(doneNanos, totalNanos, detail());
        }
    }
}
