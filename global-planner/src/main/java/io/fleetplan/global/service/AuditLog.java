package io.fleetplan.global.service;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.global.arbiter.Decision;
import io.fleetplan.global.arbiter.Echo;
import io.fleetplan.global.arbiter.Grant;
import io.fleetplan.global.core.AuditTrail;
import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One JSON line per decision (answers, pushes) and per refused request: who asked, which targets, replicas
 * before and after, status, reason and decision id. Lines are buffered; the arbiter flushes them once per batch
 * of work and before it sends that batch's answers (group commit), so a burst costs one write and no answer is
 * sent before its line has reached the operating system. A file is rotated at a flush once it has grown past
 * its size limit (FILE -> FILE.1 -> FILE.2 ..., the oldest beyond {@code keep} deleted), so a line is never split
 * across two files and a long-running planner does not fill its disk.
 */
public final class AuditLog implements AuditTrail, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest field and message of a refused line. */
    private static final int FIELD = 260;

    private static final int MESSAGE = 2048;
    private Writer out;
    private final boolean closeOut;
    /** The file, or null (stdout, none). */
    private final Path file;

    private final long maxBytes;
    private final int keep;
    /** Bytes of the current file: its size when opened plus what has reached it since (exact after a flush). */
    private long bytes;

    private AuditLog(Writer out, boolean closeOut, Path file, long maxBytes, int keep) {
        this.out = out;
        this.closeOut = closeOut;
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    /** {@code null} = no audit log, {@code "-"} = stdout, else a file appended to (never rotated). */
    public static AuditLog open(String path) {
        return open(path, 0, 1);
    }

    /**
     * {@code null} = no audit log, {@code "-"} = stdout, else a file appended to and rotated past {@code maxBytes}
     * (0 = never) keeping {@code keep} older files.
     */
    public static AuditLog open(String path, long maxBytes, int keep) {
        if (path == null) {
            return none();
        }
        if (path.equals("-")) {
            return new AuditLog(
                    new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)), false, null, 0, 1);
        }
        Path p = Path.of(path);
        if (Files.exists(p) && !Files.isRegularFile(p)) {
            // rotation renames the file: as root, a device node (/dev/null) would be moved away for everyone
            throw new IllegalArgumentException("audit_log_path " + path
                    + ": must be a regular file (or '-' for stdout), not a device, directory or pipe");
        }
        AuditLog log = new AuditLog(null, true, p, maxBytes, Math.max(1, keep));
        try {
            if (p.getParent() != null) {
                Files.createDirectories(p.getParent());
            }
            log.openFile();
        } catch (IOException e) {
            throw new UncheckedIOException("audit_log_path " + path + ": cannot open for appending", e);
        }
        return log;
    }

    private void openFile() throws IOException {
        OutputStream raw = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        bytes = Files.size(file);
        // counted below the UTF-8 encoder, where the bytes pass anyway in buffer-sized writes
        OutputStream counted = new FilterOutputStream(raw) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                bytes += len;
            }

            @Override
            public void write(int b) throws IOException {
                out.write(b);
                bytes++;
            }
        };
        out = new BufferedWriter(new OutputStreamWriter(counted, StandardCharsets.UTF_8));
    }

    public static AuditLog none() {
        return new AuditLog(null, false, null, 0, 1);
    }

    /** A decision: {@code kind} is "proposal" (an answer) or "push" (later grant, preemption, executor error). */
    @Override
    public synchronized void decision(String kind, Decision d, String caller, String callerNamespace) {
        if (out == null) {
            return;
        }
        // streamed straight into the buffered writer: no per-line maps or strings on the arbiter's thread
        try (JsonGenerator g = generator()) {
            g.writeStartObject();
            g.writeStringField("time", d.decidedAt().toString());
            g.writeStringField("kind", kind);
            g.writeStringField("decision_id", d.decisionId());
            g.writeStringField("proposal_id", d.proposalId());
            g.writeStringField("caller", caller);
            g.writeStringField("caller_namespace", callerNamespace);
            g.writeStringField("pool_id", d.poolId());
            g.writeNumberField("sequence", d.sequence());
            g.writeStringField("status", d.status().name());
            g.writeStringField("reason", d.reason().name());
            if (d.dryRun()) {
                g.writeStringField("would_be_reason", d.wouldBe().name());
            }
            g.writeArrayFieldStart("targets");
            for (Grant t : d.grants()) {
                g.writeStartObject();
                g.writeStringField("target", t.target().toString());
                g.writeNumberField("before", t.currentReplicas());
                g.writeNumberField("after", t.grantedReplicas());
                g.writeNumberField("desired", t.desiredReplicas());
                g.writeNumberField("gpus_per_replica", t.gpusPerReplica());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("committed_gpus", d.budget().committedGpus());
            g.writeNumberField("max_total_gpus", d.budget().maxTotalGpus());
            g.writeStringField("message", d.message());
            g.writeEndObject();
        } catch (IOException e) {
            failed(e);
            return;
        }
        newline();
    }

    /** A request refused before arbitration (INVALID_ARGUMENT, PERMISSION_DENIED, UNAUTHENTICATED). */
    public synchronized void refused(
            Instant at,
            String status,
            String caller,
            String callerNamespace,
            String target,
            String proposalId,
            String message) {
        if (out == null) {
            return;
        }
        try (JsonGenerator g = generator()) {
            g.writeStartObject();
            g.writeStringField("time", at.toString());
            g.writeStringField("kind", "refused");
            // refused requests are not validated (or not even authenticated): their fields are cut short
            g.writeStringField("status", status);
            g.writeStringField("proposal_id", Echo.of(proposalId, FIELD));
            g.writeStringField("caller", caller);
            g.writeStringField("caller_namespace", Echo.of(callerNamespace, FIELD));
            g.writeStringField("target", Echo.of(target, FIELD));
            g.writeStringField("message", Echo.of(message, MESSAGE));
            g.writeEndObject();
        } catch (IOException e) {
            failed(e);
            return;
        }
        newline();
        flush();
    }

    private JsonGenerator generator() throws IOException {
        return JSON.getFactory()
                .createGenerator(out)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
    }

    private void newline() {
        try {
            out.write('\n');
        } catch (IOException e) {
            failed(e);
        }
    }

    private static void failed(IOException e) {
        // an audit failure must not stop decisions; it is reported on stderr once per line
        System.err.println("audit log write failed: " + e.getMessage());
    }

    @Override
    public synchronized void flush() {
        if (out == null) {
            return;
        }
        try {
            out.flush();
            // re-checked at every rotation: the path may have been replaced by something else since the start
            if (file != null && maxBytes > 0 && bytes >= maxBytes && Files.isRegularFile(file)) {
                rotate();
            }
        } catch (IOException e) {
            System.err.println("audit log flush failed: " + e.getMessage());
        }
    }

    private void rotate() throws IOException {
        out.close();
        Files.deleteIfExists(rotated(keep));
        for (int i = keep - 1; i >= 1; i--) {
            if (Files.exists(rotated(i))) {
                Files.move(rotated(i), rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, rotated(1), StandardCopyOption.REPLACE_EXISTING);
        openFile();
    }

    private Path rotated(int i) {
        return file.resolveSibling(file.getFileName() + "." + i);
    }

    @Override
    public synchronized void close() {
        flush();
        if (closeOut) {
            try {
                out.close();
            } catch (IOException ignored) {
                // closing at shutdown; nothing left to report to
            }
        }
    }
}
