package io.fleetplan.pool.monitor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Writes the periodic self-contained HTML report ({@code report_interval_hours}, {@code report_output_dir}). */
public final class ReportWriter {

    private final DiagnosticsRecorder recorder;
    private final Path dir;
    private final String title;

    public ReportWriter(DiagnosticsRecorder recorder, Path dir, String title) {
        this.recorder = recorder;
        this.dir = dir;
        this.title = title;
    }

    /** Writes {@code planner_report_<time>.html} and returns its path. */
    public Path write(Instant now) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve("planner_report_" + now.toString().replace(':', '-') + ".html");
            Files.writeString(file, recorder.html(title + " (" + now + ")", true));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report to " + dir + ": " + e.getMessage(), e);
        }
    }
}
