package io.fleetplan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.cli.load.LoadStats;
import io.fleetplan.e2e.support.Artifacts;
import io.fleetplan.e2e.support.Http;
import io.fleetplan.e2e.support.LedgerSamples;
import io.fleetplan.e2e.support.LedgerSamples.Sample;
import io.fleetplan.e2e.support.Loads;
import io.fleetplan.e2e.support.UpStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Live acceptance of the shipped planner defaults: {@code fleetplan up} on a stack file with only sizes, SLO and
 * budget (every pool planner runs the {@code fleetplan} preset, as {@code up} writes it), a step from light load to
 * an overload of the initial 1 prefill + 1 decode worker, then light load again. The planners must commit at least
 * 75% of the GPU budget within 30 s of the step, grant no scale-down while the overload lasts, shrink after it,
 * never exceed the budget, and no client request may fail. The timeline (GetState samples, audit lines, the
 * client's latency table) goes to {@code target/e2e-artifacts/overload-step/timeline.txt}.
 */
class OverloadStepIT {

    static final int BUDGET = 6;
    /** 75% of the budget, in whole GPUs. */
    static final int THREE_QUARTERS = (int) Math.ceil(0.75 * BUDGET);

    static final ObjectMapper JSON = new ObjectMapper();

    /** Only sizes, SLO and budget: no planner section, so both pool planners run the preset. */
    static final String STACK = """
            model: e2e-model
            budget: {max_total_gpus: %d}
            slo: {ttft_ms: 500, itl_ms: 50}
            drain_grace_seconds: 10
            pools:
              - name: prefill
                mode: prefill
                max_replicas: 5
              - name: decode
                mode: decode
                max_replicas: 3
            """.formatted(BUDGET);

    /*
     * The load. Mocker engines with the default settings prefill up to max_num_batched_tokens = 8192 tokens per
     * iteration in 16.5 + 0.0152 x 8192 + 4.2e-7 x 8192^2 = 169 ms (Dynamo's polynomial), i.e. ~48k prompt tokens/s,
     * ~8 requests/s of 6000 tokens (the planner's regression learns ~123 ms per prompt). The light phases (2 req/s)
     * use a quarter of one prefill engine; the step (20 req/s, 120k tokens/s) is 2.5 engines' worth, so the initial
     * single prefill worker queues without bound and TTFT grows by seconds. The preset plans prefill engines at 50%
     * utilization, so its throughput floor for the step is ceil(20 / 0.5 / 8.1) = 5 = the pool's max_replicas: the
     * whole step needs the peak, and a scale-down inside it is a defect. (At 14 req/s the floor is 4: the load loop
     * released the fifth engine, which the observed-SLO rule adds to drain the backlog, once the queue was empty,
     * 30 s of stabilization later, 0.1 s after a 65 s step in one run; the preset's stabilization is 90 s now.) 16 output tokens keep the decode side and
     * the client's streams cheap on 2 cores (a decode step stays near 6 ms at this KV use, far under the ITL SLO).
     */
    static final int ISL = 6000;
    static final int OSL = 16;
    /** One load tick of the preset (5 s) of light load before the step; the step lasts the 60 s acceptance asks. */
    static final Loads.Phase LIGHT_BEFORE = new Loads.Phase(2, 5);

    static final Loads.Phase STEP = new Loads.Phase(20, 60);
    static final Loads.Phase LIGHT_AFTER = new Loads.Phase(2, 45);
    /**
     * After the last send, how long a shrink that has not shown yet may still take: the preset keeps a prefill engine
     * 90 s after the last target that needed it (a released engine is back only a start-up and an interval later),
     * and the light phase after the step is 45 s.
     */
    static final long SHRINK_GRACE_MS = 90_000;

    /** A scale-down the GlobalPlanner granted: one audit target whose replicas went down. */
    record Down(long atMs, String target, int before, int after) {}

    @Test
    void shippedDefaultsCommitTheBudgetUnderAnOverloadAndShrinkAfterIt() throws Exception {
        Path dir = Artifacts.dir("overload-step");
        try (UpStack up = UpStack.start(dir, STACK, Duration.ofSeconds(180));
                LedgerSamples ledger = new LedgerSamples(up.globalPlannerPort(), 500)) {
            long loadStartMs = ledger.nowMs();
            long stepStartMs = loadStartMs + millis(LIGHT_BEFORE);
            long stepEndMs = stepStartMs + millis(STEP);
            long lastSendMs = stepEndMs + millis(LIGHT_AFTER);
            CompletableFuture<LoadStats> load =
                    Loads.replay(up.baseUrl(), "e2e-model", Loads.trace(ISL, OSL, LIGHT_BEFORE, STEP, LIGHT_AFTER));
            LoadStats stats = load.get(300, TimeUnit.SECONDS);
            double loadSeconds = (ledger.nowMs() - loadStartMs) / 1000.0;
            // the shrink comes after the scale-down stabilization and the backlog's drain; give it a bounded while
            long deadline = lastSendMs + SHRINK_GRACE_MS;
            while (ledger.nowMs() < deadline && shrinkAfter(ledger.samples(), stepEndMs) < 0) {
                Thread.sleep(1000);
            }
            ledger.close();
            // what the prefill planner's live dashboard charts: observed load and TTFT every load tick, the SLO line
            String dashboard = Http.get(up.dashboardUrl("prefill") + "data.json");
            Files.writeString(dir.resolve("dashboard-prefill.json"), dashboard);
            List<Sample> samples = ledger.samples();
            List<String> audit = Files.exists(up.auditLog()) ? Files.readAllLines(up.auditLog()) : List.of();

            long reachedMs = firstAtLeast(samples, stepStartMs, THREE_QUARTERS);
            int peak = samples.stream().mapToInt(Sample::committed).max().orElse(-1);
            int peakInStep = samples.stream()
                    .filter(s -> s.atMs() >= stepStartMs && s.atMs() <= stepEndMs)
                    .mapToInt(Sample::committed)
                    .max()
                    .orElse(-1);
            long shrankMs = shrinkAfter(samples, stepEndMs);
            List<String> downsInStep = new ArrayList<>();
            for (Down d : downs(audit, ledger.startMs())) {
                if (d.atMs() >= stepStartMs && d.atMs() <= stepEndMs) {
                    downsInStep.add(d.toString());
                }
            }
            downsInStep.addAll(ledgerDecreases(samples, stepStartMs, stepEndMs));
            String table = stats.table(loadSeconds);
            String summary = String.format(
                    Locale.ROOT,
                    "overload step e2e: step %.1f-%.1f s, last send %.1f s; %d of %d GPUs committed %s; peak %d GPUs "
                            + "(%d in the step); shrink %s; client TTFT p99 %s ms; %d scale-downs in the step",
                    stepStartMs / 1000.0,
                    stepEndMs / 1000.0,
                    lastSendMs / 1000.0,
                    THREE_QUARTERS,
                    BUDGET,
                    reachedMs < 0
                            ? "never"
                            : String.format(Locale.ROOT, "%.1f s after the step", (reachedMs - stepStartMs) / 1000.0),
                    peak,
                    peakInStep,
                    shrankMs < 0
                            ? "not seen"
                            : String.format(
                                    Locale.ROOT, "%.1f s after the step ended", (shrankMs - stepEndMs) / 1000.0),
                    stats.figures(loadSeconds).get("ttft_p99_ms"),
                    downsInStep.size());
            Path timeline = dir.resolve("timeline.txt");
            Files.write(
                    timeline,
                    timeline(summary, table, ledger, samples, audit, loadStartMs, stepStartMs, stepEndMs, lastSendMs));
            System.out.println(summary + "; timeline in " + timeline);

            assertThat(stats.failedCount())
                    .as("failed client requests: %s", stats.errors())
                    .isZero();
            assertThat(samples).as("GetState samples").hasSizeGreaterThan(100);
            assertThat(samples)
                    .allSatisfy(s -> assertThat(s.committed())
                            .as("committed GPUs at %d ms", s.atMs())
                            .isLessThanOrEqualTo(BUDGET));
            for (String line : audit) {
                JsonNode a = JSON.readTree(line);
                if (a.has("committed_gpus")) {
                    assertThat(a.path("committed_gpus").asInt()).as(line).isLessThanOrEqualTo(BUDGET);
                }
            }
            assertThat(reachedMs)
                    .as(
                            "%d of %d GPUs committed within 30 s of the step at %d ms; last decisions: "
                                    + "prefill %s, decode %s",
                            THREE_QUARTERS, BUDGET, stepStartMs, up.lastDecision("prefill"), up.lastDecision("decode"))
                    .isGreaterThanOrEqualTo(0)
                    .isLessThanOrEqualTo(stepStartMs + 30_000);
            assertThat(downsInStep)
                    .as("scale-downs granted while the overload lasts")
                    .isEmpty();
            assertThat(shrankMs)
                    .as(
                            "a scale-down after the step; last decisions: prefill %s, decode %s",
                            up.lastDecision("prefill"), up.lastDecision("decode"))
                    .isGreaterThan(stepEndMs);

            // the throughput window comes every 30 s; the load loop's recent window gives a point every 5 s tick
            assertThat(count(dashboard, "\"obsRps\":[0-9]"))
                    .as("dashboard rows with observed load")
                    .isGreaterThan(15);
            assertThat(count(dashboard, "\"arrRps\":[0-9.]*[1-9]"))
                    .as("dashboard rows with arrivals")
                    .isPositive();
            assertThat(count(dashboard, "\"obsTtft\":([5-9][0-9]{2}|[0-9]{4,})\\."))
                    .as("TTFT over the SLO charted")
                    .isPositive();
            assertThat(dashboard).contains("\"sloTtft\":500.0000", "\"sloItl\":50.0000");

            up.stopAndExpectNoneLeft(8);
        }
    }

    static long count(String text, String regex) {
        return Pattern.compile(regex).matcher(text).results().count();
    }

    static long millis(Loads.Phase p) {
        return Math.round(p.seconds() * 1000);
    }

    /** Time of the first sample at or after {@code fromMs} with at least {@code gpus} committed, or -1. */
    static long firstAtLeast(List<Sample> samples, long fromMs, int gpus) {
        return samples.stream()
                .filter(s -> s.atMs() >= fromMs && s.committed() >= gpus)
                .mapToLong(Sample::atMs)
                .findFirst()
                .orElse(-1);
    }

    /** Time of the first sample after {@code fromMs} with fewer GPUs committed than the most before it, or -1. */
    static long shrinkAfter(List<Sample> samples, long fromMs) {
        int peak = 0;
        for (Sample s : samples) {
            if (s.atMs() > fromMs && s.committed() < peak) {
                return s.atMs();
            }
            peak = Math.max(peak, s.committed());
        }
        return -1;
    }

    /** Every pool whose granted replicas went down between two samples inside [from, to]. */
    static List<String> ledgerDecreases(List<Sample> samples, long fromMs, long toMs) {
        List<String> out = new ArrayList<>();
        Sample prev = null;
        for (Sample s : samples) {
            if (s.atMs() < fromMs || s.atMs() > toMs) {
                continue;
            }
            if (prev != null) {
                for (Map.Entry<String, Integer> e : prev.granted().entrySet()) {
                    if (s.granted(e.getKey()) < e.getValue()) {
                        out.add("GetState at " + s.atMs() + " ms: " + e.getKey() + " " + e.getValue() + " -> "
                                + s.granted(e.getKey()));
                    }
                }
            }
            prev = s;
        }
        return out;
    }

    /** Scale-downs in the audit log (proposal answers and pushes), in test time. */
    static List<Down> downs(List<String> audit, long startMs) throws IOException {
        List<Down> out = new ArrayList<>();
        for (String line : audit) {
            JsonNode a = JSON.readTree(line);
            for (JsonNode t : a.path("targets")) {
                if (t.path("after").asInt() < t.path("before").asInt()) {
                    out.add(new Down(
                            auditMs(a, startMs),
                            t.path("target").asText(),
                            t.path("before").asInt(),
                            t.path("after").asInt()));
                }
            }
        }
        return out;
    }

    static long auditMs(JsonNode line, long startMs) {
        return Instant.parse(line.path("time").asText()).toEpochMilli() - startMs;
    }

    /** The run on one page: phases, figures, then GetState samples and audit lines in time order. */
    static List<String> timeline(
            String summary,
            String table,
            LedgerSamples ledger,
            List<Sample> samples,
            List<String> audit,
            long loadStartMs,
            long stepStartMs,
            long stepEndMs,
            long lastSendMs)
            throws IOException {
        record Line(long atMs, String text) {}
        List<Line> lines = new ArrayList<>();
        for (Sample s : samples) {
            lines.add(new Line(
                    s.atMs(),
                    String.format(
                            Locale.ROOT, "%7.1fs ledger %s gpus=%d", s.atMs() / 1000.0, s.granted(), s.committed())));
        }
        for (String a : audit) {
            long at = auditMs(JSON.readTree(a), ledger.startMs());
            lines.add(new Line(at, String.format(Locale.ROOT, "%7.1fs audit  %s", at / 1000.0, a)));
        }
        lines.sort(Comparator.comparingLong(Line::atMs));
        List<String> out = new ArrayList<>();
        out.add(summary);
        out.add(String.format(
                Locale.ROOT,
                "phases (s from the first sample): light %.1f, step %.1f-%.1f at %.0f req/s "
                        + "(ISL %d, OSL %d), light until %.1f",
                loadStartMs / 1000.0,
                stepStartMs / 1000.0,
                stepEndMs / 1000.0,
                STEP.rps(),
                ISL,
                OSL,
                lastSendMs / 1000.0));
        out.add("");
        out.addAll(table.lines().toList());
        out.add("");
        lines.forEach(l -> out.add(l.text()));
        return out;
    }
}
