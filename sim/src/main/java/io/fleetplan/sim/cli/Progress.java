package io.fleetplan.sim.cli;

import io.fleetplan.sim.report.Evaluation;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A terminal progress bar in simulated seconds (on stderr, so stdout stays the table), or nothing. */
final class Progress implements Evaluation.Progress, AutoCloseable {

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress terminal(boolean enabled, String task) {
        if (!enabled) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(1).setUnit(" sim-s", 1)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build());
    }

    @Override
    public void total(long nanos) {
        if (bar != null) {
            bar.maxHint(nanos / 1_000_000_000L);
        }
    }

    @Override
    public synchronized void advance(long nanos) {
        if (bar != null) {
            pending += nanos;
            long whole = pending / 1_000_000_000L;
            if (whole > 0) {
                bar.stepBy(whole);
                pending -= whole * 1_000_000_000L;
            }
        }
    }

    private long pending;

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
