package io.fleetplan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.e2e.support.Artifacts;
import io.fleetplan.e2e.support.Http;
import io.fleetplan.e2e.support.LedgerSamples;
import io.fleetplan.e2e.support.SteadyLoad;
import io.fleetplan.e2e.support.UpStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Faults injected into a {@code fleetplan up} stack under steady load, one after the other, each with kill -9: a
 * decode worker, the decode pool's LocalRouter, the decode pool planner, the GlobalPlanner. After each the stack
 * must recover within {@link #RECOVERY}: the lost worker replaced, the crashed component restarted by {@code up},
 * a restarted GlobalPlanner's ledger rebuilt from the workers still running (adopted, not started again beside
 * them). Throughout, neither the GlobalPlanner's committed GPUs (GetState, audit log) nor the GPUs of the worker
 * processes actually running exceed the budget; after {@code up} stops no process of the stack is left, the
 * GlobalPlanner's orphans included. Requests that fail are counted per fault: in flight on the killed process at
 * the kill, or sent while the stack recovered. The timeline is written to {@code target/e2e-artifacts/faults/}.
 */
class FaultInjectionIT {

    /** 2 prefill + 2 decode workers fill it: a GlobalPlanner that restarted from its config would start 4 more. */
    static final int BUDGET = 4;

    static final Duration RECOVERY = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    /** Planners on load every 2 s; min = max = 2 keeps the pools where they are: the faults change the workers. */
    static final String PLANNER =
            "{optimization_target: sla, enable_load_scaling: true, enable_throughput_scaling: false, "
                    + "load_adjustment_interval: 2}";

    static final String STACK = """
            model: e2e-model
            budget: {max_total_gpus: %1$d}
            slo: {ttft_ms: 2000, itl_ms: 200}
            drain_grace_seconds: 5
            pools:
              - name: prefill
                mode: prefill
                min_replicas: 2
                max_replicas: 2
                planner: %2$s
              - name: decode
                mode: decode
                min_replicas: 2
                max_replicas: 2
                planner: %2$s
            """.formatted(BUDGET, PLANNER);

    /** One injected fault and what it cost. */
    record Fault(String what, long killedAtMs, long pid, long recoveredAtMs, int lostInFlight, int lostAfter) {
        double recoverySeconds() {
            return (recoveredAtMs - killedAtMs) / 1000.0;
        }
    }

    @Test
    void theStackRecoversFromKilledProcessesWithinTheBudgetAndLeavesNothingBehind() throws Exception {
        Path dir = Artifacts.dir("faults");
        List<String> timeline = new CopyOnWriteArrayList<>();
        List<int[]> running = new CopyOnWriteArrayList<>(); // {atMs, worker processes}
        List<Fault> faults = new ArrayList<>();
        try (UpStack up = UpStack.start(dir, STACK, Duration.ofSeconds(180));
                LedgerSamples ledger = new LedgerSamples(up.globalPlannerPort(), 500)) {
            ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor();
            watch.scheduleAtFixedRate(
                    () -> running.add(
                            new int[] {(int) ledger.nowMs(), up.workers().size()}),
                    0,
                    500,
                    TimeUnit.MILLISECONDS);
            String health = up.baseUrl() + "/health";
            SteadyLoad load = new SteadyLoad(up.baseUrl(), "e2e-model", 4, 256, 24, ledger::nowMs);
            Thread.sleep(8_000);

            // 1. a decode worker: the GlobalPlanner restarts it (the replica stays granted)
            ProcessHandle worker = up.workers("decode").getFirst();
            faults.add(inject(
                    "decode worker",
                    worker,
                    ledger,
                    timeline,
                    () -> up.workers("decode").size() == 2
                            && up.workers("decode").stream().noneMatch(h -> h.pid() == worker.pid())
                            && Http.status(health) == 200));

            // 2. the decode pool's LocalRouter: up restarts it, the workers register again
            ProcessHandle router = up.component("router-decode").orElseThrow();
            faults.add(inject(
                    "router-decode",
                    router,
                    ledger,
                    timeline,
                    () -> restarted(up, "router-decode", router) && Http.status(health) == 200));

            // 3. the decode pool planner: up restarts it, it takes its grant from the GlobalPlanner again
            ProcessHandle planner = up.component("pool-planner-decode").orElseThrow();
            String dashboard = up.dashboardUrl("decode");
            faults.add(inject(
                    "pool-planner-decode",
                    planner,
                    ledger,
                    timeline,
                    () -> restarted(up, "pool-planner-decode", planner) && Http.status(dashboard) == 200));

            // 4. the GlobalPlanner: up restarts it; it adopts the 4 workers still serving instead of starting 4 more
            ProcessHandle gp = up.component("global-planner").orElseThrow();
            List<Long> before =
                    up.workers().stream().map(ProcessHandle::pid).sorted().toList();
            int samplesBefore = ledger.samples().size();
            faults.add(inject(
                    "global-planner",
                    gp,
                    ledger,
                    timeline,
                    () -> restarted(up, "global-planner", gp)
                            && ledger.samples().size() > samplesBefore + 2
                            && ledger.samples().getLast().replicas() == 4
                            && Http.status(health) == 200));
            assertThat(up.workers().stream().map(ProcessHandle::pid).sorted().toList())
                    .as("the restarted GlobalPlanner adopted the running workers")
                    .isEqualTo(before);

            Thread.sleep(3_000);
            load.close();
            watch.shutdownNow();
            ledger.close();
            List<SteadyLoad.Sent> sent = load.done();
            faults.replaceAll(f -> withLosses(f, sent));

            List<String> audit = Files.readAllLines(up.auditLog());
            int auditPeak = 0; // the audit log has a line per decision; with min = max the pools may never ask
            for (String line : audit) {
                JsonNode a = JSON.readTree(line);
                auditPeak = Math.max(auditPeak, a.path("committed_gpus").asInt());
            }
            int ledgerPeak = ledger.samples().stream()
                    .mapToInt(LedgerSamples.Sample::committed)
                    .max()
                    .orElse(-1);
            int processPeak = running.stream().mapToInt(r -> r[1]).max().orElse(-1);
            long ok = sent.stream().filter(SteadyLoad.Sent::ok).count();
            writeTimeline(dir, faults, timeline, ledger, running, sent);
            StringBuilder summary = new StringBuilder(String.format(
                    Locale.ROOT,
                    "fault e2e: %d requests, %d ok, %d failed; budget %d: peak committed %d (GetState) / %d (audit), "
                            + "peak worker processes %d%n",
                    sent.size(),
                    ok,
                    sent.size() - ok,
                    BUDGET,
                    ledgerPeak,
                    auditPeak,
                    processPeak));
            for (Fault f : faults) {
                summary.append(String.format(
                        Locale.ROOT,
                        "  kill -9 %-20s at %6.1f s: recovered in %5.1f s, lost %d "
                                + "in flight + %d sent while recovering%n",
                        f.what(),
                        f.killedAtMs() / 1000.0,
                        f.recoverySeconds(),
                        f.lostInFlight(),
                        f.lostAfter()));
            }
            Files.writeString(dir.resolve("summary.txt"), summary);
            System.out.print(summary + "  timeline in " + dir.resolve("timeline.txt") + "\n");

            assertThat(faults)
                    .allSatisfy(f -> assertThat(f.recoveredAtMs())
                            .as("%s recovered", f.what())
                            .isPositive());
            assertThat(ledgerPeak).as("committed GPUs (GetState)").isBetween(1, BUDGET);
            assertThat(auditPeak).as("committed GPUs (audit log)").isLessThanOrEqualTo(BUDGET);
            assertThat(processPeak).as("worker processes running (1 GPU each)").isBetween(1, BUDGET);
            // requests lost are only those the killed process had in flight: the Frontend holds requests while a
            // pool's router or last worker comes back (unready_wait_ms), and the planners are not on the request path
            for (Fault f : faults) {
                assertThat(f.lostAfter())
                        .as("requests sent after %s was killed and lost", f.what())
                        .isZero();
                if (f.what().contains("planner")) {
                    assertThat(f.lostInFlight())
                            .as("requests lost to a killed %s", f.what())
                            .isZero();
                }
            }
            for (SteadyLoad.Sent s : sent) {
                if (!s.ok()) {
                    assertThat(faults)
                            .as("failed request sent at %d ms (%s) is near a fault", s.sentMs(), s.error())
                            .anySatisfy(f -> assertThat(s.endMs() >= f.killedAtMs() && s.sentMs() <= f.recoveredAtMs())
                                    .isTrue());
                }
            }

            // SIGTERM to up: everything goes, the workers the first GlobalPlanner started (now orphans, so not
            // among up's descendants: 6 components) included
            List<ProcessHandle> workers = up.workers();
            assertThat(workers).hasSize(4);
            up.stopAndExpectNoneLeft(6);
            assertThat(workers).as("workers alive after fleetplan up stopped").noneMatch(ProcessHandle::isAlive);
            assertThat(up.workers())
                    .as("workers left after fleetplan up stopped")
                    .isEmpty();
        }
    }

    private static boolean restarted(UpStack up, String component, ProcessHandle old) {
        return up.component(component).filter(h -> h.pid() != old.pid()).isPresent();
    }

    private static Fault inject(
            String what, ProcessHandle victim, LedgerSamples clock, List<String> timeline, BooleanSupplier recovered)
            throws InterruptedException {
        long at = clock.nowMs();
        victim.destroyForcibly();
        timeline.add(String.format(Locale.ROOT, "%.1fs FAULT kill -9 %s (pid %d)", at / 1000.0, what, victim.pid()));
        long deadline = at + RECOVERY.toMillis();
        Thread.sleep(500);
        while (clock.nowMs() < deadline) {
            if (recovered.getAsBoolean()) {
                long back = clock.nowMs();
                timeline.add(String.format(
                        Locale.ROOT, "%.1fs RECOVERED %s after %.1f s", back / 1000.0, what, (back - at) / 1000.0));
                Thread.sleep(4_000); // settle before the next fault
                return new Fault(what, at, victim.pid(), back, 0, 0);
            }
            Thread.sleep(250);
        }
        timeline.add(String.format(Locale.ROOT, "%.1fs NOT RECOVERED %s", clock.nowMs() / 1000.0, what));
        return new Fault(what, at, victim.pid(), -1, 0, 0);
    }

    /** Failed requests in flight at the kill, and failed ones sent between the kill and the recovery. */
    private static Fault withLosses(Fault f, List<SteadyLoad.Sent> sent) {
        int inFlight = 0;
        int after = 0;
        long end = f.recoveredAtMs() > 0 ? f.recoveredAtMs() : Long.MAX_VALUE;
        for (SteadyLoad.Sent s : sent) {
            if (s.ok()) {
                continue;
            }
            if (s.spans(f.killedAtMs())) {
                inFlight++;
            } else if (s.sentMs() > f.killedAtMs() && s.sentMs() <= end) {
                after++;
            }
        }
        return new Fault(f.what(), f.killedAtMs(), f.pid(), f.recoveredAtMs(), inFlight, after);
    }

    private static void writeTimeline(
            Path dir,
            List<Fault> faults,
            List<String> events,
            LedgerSamples ledger,
            List<int[]> running,
            List<SteadyLoad.Sent> sent)
            throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String e : events) {
            rows.add(new String[] {e.substring(0, e.indexOf('s')), e});
        }
        for (LedgerSamples.Sample s : ledger.samples()) {
            rows.add(new String[] {
                String.format(Locale.ROOT, "%.1f", s.atMs() / 1000.0),
                String.format(
                        Locale.ROOT,
                        "%.1fs ledger %s committed=%d/%d",
                        s.atMs() / 1000.0,
                        s.granted(),
                        s.committed(),
                        s.max())
            });
        }
        for (int[] r : running) {
            rows.add(new String[] {
                String.format(Locale.ROOT, "%.1f", r[0] / 1000.0),
                String.format(Locale.ROOT, "%.1fs worker processes=%d", r[0] / 1000.0, r[1])
            });
        }
        Map<Long, long[]> perSecond = new TreeMap<>();
        for (SteadyLoad.Sent s : sent) {
            perSecond.computeIfAbsent(s.sentMs() / 1000, k -> new long[2])[s.ok() ? 0 : 1]++;
        }
        for (SteadyLoad.Sent s : sent) {
            if (!s.ok()) {
                rows.add(new String[] {
                    String.format(Locale.ROOT, "%.3f", s.sentMs() / 1000.0),
                    String.format(
                            Locale.ROOT,
                            "%.1fs request sent, failed at %.1fs: %s",
                            s.sentMs() / 1000.0,
                            s.endMs() / 1000.0,
                            s.error())
                });
            }
        }
        perSecond.forEach((sec, c) -> rows.add(new String[] {
            sec + ".0", String.format(Locale.ROOT, "%d.0s requests sent this second: %d ok, %d failed", sec, c[0], c[1])
        }));
        rows.sort(Comparator.comparingDouble(r -> Double.parseDouble(r[0])));
        List<String> lines = new ArrayList<>();
        for (Fault f : faults) {
            lines.add(String.format(
                    Locale.ROOT,
                    "# kill -9 %s at %.1f s, recovered after %.1f s, lost %d in flight + %d after",
                    f.what(),
                    f.killedAtMs() / 1000.0,
                    f.recoverySeconds(),
                    f.lostInFlight(),
                    f.lostAfter()));
        }
        rows.forEach(r -> lines.add(r[1]));
        Files.write(dir.resolve("timeline.txt"), lines);
    }
}
