package io.fleetplan.sim.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fleetplan.common.stack.StackConfig;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code summary.json}: the same seed and inputs give the same bytes. Keys are in a fixed order, numbers are
 * rounded to 4 decimals (6 for shares), NaN becomes null, and nothing that varies between runs (wall time,
 * paths other than the trace's file name, thread counts) is written.
 */
public final class SummaryJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);

    private SummaryJson() {}

    /** The summary as a JSON tree (maps and lists). */
    public static Map<String, Object> tree(Evaluation.Result r) {
        StackConfig stack = r.options().stack();
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> trace = new LinkedHashMap<>();
        trace.put("source", fileName(r.trace().source()));
        trace.put("format", r.trace().format().label());
        trace.put("requests", r.trace().requests().size());
        trace.put("skipped_rows", r.trace().skippedRows());
        trace.put("duration_seconds", round(r.trace().durationSeconds(), 3));
        trace.put("mean_rate_rps", round(r.trace().meanRate(), 4));
        root.put("trace", trace);
        root.put("seed", r.options().settings().seed());
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("max_total_gpus", stack.budget().maxTotalGpus());
        st.put("ttft_ms", stack.slo().ttftMs());
        st.put("itl_ms", stack.slo().itlMs());
        st.put("worker_startup_seconds", stack.workerStartupSeconds());
        st.put("drain_grace_seconds", stack.drainGraceSeconds());
        st.put(
                "pools",
                stack.pools().stream()
                        .map(p -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            m.put("name", p.name());
                            m.put("mode", p.mode());
                            m.put("gpus_per_replica", p.gpusPerReplica());
                            m.put("min_replicas", p.minReplicas());
                            m.put("max_replicas", p.maxReplicas());
                            m.put("speedup_ratio", p.engine().speedupRatio());
                            return m;
                        })
                        .toList());
        root.put("stack", st);
        if (r.oracle() != null) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("window_seconds", r.oracle().windowSeconds());
            o.put("iterations", r.oracle().iterations());
            o.put("attainment_target", r.options().attainmentTarget());
            o.put("peak_replicas", r.oracle().peak());
            o.put("mean_replicas", r.oracle().mean());
            root.put("oracle", o);
        }
        List<Map<String, Object>> policies = new ArrayList<>();
        for (int i = 0; i < r.summaries().size(); i++) {
            Map<String, Object> m = policy(r.summaries().get(i));
            // which requests missed: short prompts by queueing, long ones also by their own prefill, long outputs
            // by ITL
            m.put(
                    "classes",
                    ReplaySuite.classesJson(RequestClasses.of(
                            r.trace(),
                            r.runs().get(i).requests(),
                            stack.slo().ttftMs(),
                            stack.slo().itlMs())));
            policies.add(m);
        }
        root.put("policies", policies);
        return root;
    }

    static Map<String, Object> policy(PolicySummary s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", s.policy());
        m.put("description", s.description());
        m.put("requests", s.requests());
        m.put("completed", s.completed());
        m.put("failed", s.failed());
        m.put("failures", s.failures());
        m.put("slo_attainment", round(s.sloAttainment(), 6));
        m.put("goodput_rps", round(s.goodputRps(), 4));
        m.put("goodput_tokens_per_s", round(s.goodputTokensPerSecond(), 4));
        m.put("goodput_tokens_per_gpu_s", round(s.goodputTokensPerGpuSecond(), 4));
        m.put("gpu_hours", round(s.gpuHours(), 4));
        m.put("avg_gpus", round(s.avgGpus(), 4));
        m.put("peak_gpus", s.peakGpus());
        m.put("budget_violations", s.budgetViolations());
        m.put("over_budget_seconds", round(s.overBudgetSeconds(), 3));
        m.put(
                "ttft_ms",
                Map.of("p50", round(s.ttftP50(), 4), "p99", round(s.ttftP99(), 4), "mean", round(s.ttftMean(), 4))
                        .entrySet()
                        .stream()
                        .sorted(Map.Entry.comparingByKey())
                        .collect(LinkedHashMap::new, (a, e) -> a.put(e.getKey(), e.getValue()), Map::putAll));
        m.put(
                "itl_ms",
                Map.of("p50", round(s.itlP50(), 4), "p99", round(s.itlP99(), 4), "mean", round(s.itlMean(), 4))
                        .entrySet()
                        .stream()
                        .sorted(Map.Entry.comparingByKey())
                        .collect(LinkedHashMap::new, (a, e) -> a.put(e.getKey(), e.getValue()), Map::putAll));
        m.put("scale_events", s.scaleEvents());
        m.put("horizon_seconds", round(s.horizonSeconds(), 3));
        m.put("simulation_events", s.events());
        return m;
    }

    /** The summary text (pretty JSON, trailing newline). */
    public static String write(Evaluation.Result r) {
        try {
            return JSON.writeValueAsString(tree(r)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static BigDecimal round(double v, int scale) {
        return Double.isFinite(v)
                ? BigDecimal.valueOf(v).setScale(scale, RoundingMode.HALF_EVEN).stripTrailingZeros()
                : null;
    }

    public static String fileName(String source) {
        int slash = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
        return slash >= 0 ? source.substring(slash + 1) : source;
    }

    /** Rows for a terminal table. */
    public static List<String> table(List<PolicySummary> summaries) {
        List<String> rows = new ArrayList<>();
        rows.add(String.format(
                Locale.ROOT,
                "%-18s %8s %9s %8s %6s %5s %9s %9s %8s %8s %6s %6s",
                "policy",
                "attain%",
                "GPU-h",
                "avgGPU",
                "peak",
                "viol",
                "TTFTp50",
                "TTFTp99",
                "ITLp50",
                "ITLp99",
                "scale",
                "failed"));
        for (PolicySummary s : summaries) {
            rows.add(String.format(
                    Locale.ROOT,
                    "%-18s %8.2f %9.3f %8.2f %6d %5d %9.1f %9.1f %8.1f %8.1f %6d %6d",
                    s.policy(),
                    s.sloAttainment() * 100,
                    s.gpuHours(),
                    s.avgGpus(),
                    s.peakGpus(),
                    s.budgetViolations(),
                    s.ttftP50(),
                    s.ttftP99(),
                    s.itlP50(),
                    s.itlP99(),
                    s.scaleEvents(),
                    s.failed()));
        }
        return rows;
    }
}
