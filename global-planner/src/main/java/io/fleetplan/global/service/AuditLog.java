package io.fleetplan.global.service;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.global.arbiter.Decision;
import io.fleetplan.global.arbiter.Grant;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One JSON line per decision (answers, pushes) and per refused request: who asked, which targets, replicas
 * before and after, status, reason and decision id. Lines are buffered; the arbiter flushes them once per batch
 * of work and before it sends that batch's answers (group commit), so a burst costs one write and no answer is
 * sent before its line has reached the operating system.
 */
public final class AuditLog implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Writer out;
    private final boolean closeOut;

    private AuditLog(Writer out, boolean closeOut) {
        this.out = out;
        this.closeOut = closeOut;
    }

    /** {@code null} = no audit log, {@code "-"} = stdout, else a file appended to. */
    public static AuditLog open(String path) {
        if (path == null) {
            return new AuditLog(null, false);
        }
        if (path.equals("-")) {
            return new AuditLog(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)), false);
        }
        try {
            Path p = Path.of(path);
            if (p.getParent() != null) {
                Files.createDirectories(p.getParent());
            }
            return new AuditLog(Files.newBufferedWriter(p, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND), true);
        } catch (IOException e) {
            throw new UncheckedIOException("audit_log_path " + path + ": cannot open for appending", e);
        }
    }

    public static AuditLog none() {
        return new AuditLog(null, false);
    }

    /** A decision: {@code kind} is "proposal" (an answer) or "push" (later grant, preemption, executor error). */
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
    public synchronized void refused(Instant at, String status, String caller, String callerNamespace, String target,
            String proposalId, String message) {
        if (out == null) {
            return;
        }
        try (JsonGenerator g = generator()) {
            g.writeStartObject();
            g.writeStringField("time", at.toString());
            g.writeStringField("kind", "refused");
            g.writeStringField("status", status);
            g.writeStringField("proposal_id", proposalId);
            g.writeStringField("caller", caller);
            g.writeStringField("caller_namespace", callerNamespace);
            g.writeStringField("target", target);
            g.writeStringField("message", message);
            g.writeEndObject();
        } catch (IOException e) {
            failed(e);
            return;
        }
        newline();
        flush();
    }

    private JsonGenerator generator() throws IOException {
        return JSON.getFactory().createGenerator(out)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
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

    public synchronized void flush() {
        if (out == null) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            System.err.println("audit log flush failed: " + e.getMessage());
        }
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
