package io.fleetplan.global.service;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON line per decision (answers, pushes) and per refused request: who asked, which targets, replicas
 * before and after, status, reason and decision id. Lines are buffered and flushed when the arbiter goes idle,
 * so a burst costs one write.
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
    public void decision(String kind, Decision d, String caller, String callerNamespace) {
        if (out == null) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", d.decidedAt().toString());
        line.put("kind", kind);
        line.put("decision_id", d.decisionId());
        line.put("proposal_id", d.proposalId());
        line.put("caller", caller);
        line.put("caller_namespace", callerNamespace);
        line.put("pool_id", d.poolId());
        line.put("sequence", d.sequence());
        line.put("status", d.status().name());
        line.put("reason", d.reason().name());
        if (d.dryRun()) {
            line.put("would_be_reason", d.wouldBe().name());
        }
        List<Map<String, Object>> targets = new ArrayList<>();
        for (Grant g : d.grants()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("target", g.target().toString());
            t.put("before", g.currentReplicas());
            t.put("after", g.grantedReplicas());
            t.put("desired", g.desiredReplicas());
            t.put("gpus_per_replica", g.gpusPerReplica());
            targets.add(t);
        }
        line.put("targets", targets);
        line.put("committed_gpus", d.budget().committedGpus());
        line.put("max_total_gpus", d.budget().maxTotalGpus());
        line.put("message", d.message());
        write(line);
    }

    /** A request refused before arbitration (INVALID_ARGUMENT, PERMISSION_DENIED, UNAUTHENTICATED). */
    public void refused(Instant at, String status, String caller, String callerNamespace, String target,
            String proposalId, String message) {
        if (out == null) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", at.toString());
        line.put("kind", "refused");
        line.put("status", status);
        line.put("proposal_id", proposalId);
        line.put("caller", caller);
        line.put("caller_namespace", callerNamespace);
        line.put("target", target);
        line.put("message", message);
        write(line);
        flush();
    }

    private synchronized void write(Map<String, Object> line) {
        try {
            out.write(JSON.writeValueAsString(line));
            out.write('\n');
        } catch (IOException e) {
            // an audit failure must not stop decisions; it is reported on stderr once per line
            System.err.println("audit log write failed: " + e.getMessage());
        }
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
