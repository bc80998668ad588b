package io.fleetplan.sim.stepresponse;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.pool.config.PlannerConfig;
import io.fleetplan.pool.connect.VirtualConnector;
import io.fleetplan.pool.core.Action;
import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.PlanningSettings;
import io.fleetplan.pool.core.PoolPlanner;
import io.fleetplan.pool.scaling.Replicas;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The planner against a pool of mocker engines in virtual time: a load step up must produce a scale-up within
 * one load interval, and the drop must produce scale-downs without SLO violations.
 */
class StepResponseTest {

    /** Arrival seed; STEP_SEED overrides it to check other draws. */
    static final long SEED = Long.parseLong(System.getenv().getOrDefault("STEP_SEED", "42"));

    static final double STEP_UP = 600;
    static final double STEP_DOWN = 1200;
    static final double END = 2400;

    record Outcome(
            List<PlannerDecision> decisions,
            MockerPool pool,
            double upDelay,
            double downDelay,
            int peak,
            int end,
            long violationsAfterDrop,
            long servedAfterDrop,
            double engineSeconds,
            double attainment) {}

    static Outcome run(long seed, String extraConfig) {
        VirtualScheduler clock = new VirtualScheduler(Instant.EPOCH);
        EngineConfig engine = EngineConfig.builder()
                .numGpuBlocks(2048)
                .blockSize(64)
                .maxNumSeqs(32)
                .heartbeatIntervalMs(0)
                .build();
        MockerPool pool = new MockerPool(clock, engine, 1);
        PlannerConfig config = ConfigLoader.parse("""
                mode: agg
                backend: mocker
                environment: virtual
                load_adjustment_interval_seconds: 5
                max_gpu_budget: 8
                """ + extraConfig, "step", PlannerConfig.class);
        PoolPlanner planner = new PoolPlanner(PlanningSettings.from(config), null);
        VirtualConnector connector = new VirtualConnector(new Replicas(0, 1));
        List<PlannerDecision> decisions = new ArrayList<>();
        double[] engineSeconds = {0};
        clock.scheduleAtFixedRate(Duration.ofSeconds(5), planner.scaleInterval(), () -> {
            Instant now = clock.now();
            engineSeconds[0] += pool.running() * planner.scaleInterval().toMillis() / 1000.0;
            pool.reap();
            pool.drainFpms().forEach(planner::observeFpm);
            if (planner.throughputDue(now)) {
                planner.observeTraffic(pool.traffic(
                        now, planner.settings().throughputInterval().toMillis() / 1000.0));
            }
            planner.observeEngines(pool.snapshot(now));
            planner.tick(now, connector.state()).ifPresent(d -> {
                decisions.add(d);
                if (d.changes()) {
                    connector.apply(d);
                    pool.scaleTo(connector.desired().decode());
                }
                connector.reportReady(new Replicas(0, pool.serving())); // engines start at once here
            });
        });
        Random rnd = new Random(seed);
        scheduleArrival(clock, pool, rnd);
        clock.runUntil(Instant.ofEpochSecond((long) END));
        double up = firstAfter(decisions, STEP_UP, Action.SCALE_UP);
        double down = firstAfter(decisions, STEP_DOWN, Action.SCALE_DOWN);
        int peak =
                decisions.stream().mapToInt(d -> d.recommended().decode()).max().orElse(0);
        // requests that arrive once the pool starts shrinking; the few arriving in the seconds between the drop and
        // the first scale-down still queue behind the high-load backlog and are not the scale-down's doing
        double shrinkStart = STEP_DOWN + (Double.isNaN(down) ? 0 : down);
        List<MockerPool.Served> after = pool.served().stream()
                .filter(s -> s.arrivalSeconds() >= shrinkStart)
                .toList();
        long violations = after.stream()
                .filter(s -> s.ttftMs() > config.ttftMs() || s.itlMs() > config.itlMs())
                .count();
        long ok = pool.served().stream()
                .filter(s -> s.ttftMs() <= config.ttftMs() && s.itlMs() <= config.itlMs())
                .count();
        return new Outcome(
                decisions,
                pool,
                up,
                down,
                peak,
                pool.serving(),
                violations,
                after.size(),
                engineSeconds[0],
                (double) ok / pool.served().size());
    }

    private static void scheduleArrival(VirtualScheduler clock, MockerPool pool, Random rnd) {
        double t = clock.nanoTime() / 1e9;
        double rate = t >= STEP_UP && t < STEP_DOWN ? 12.0 : 2.0;
        double gap = -Math.log(1 - rnd.nextDouble()) / rate;
        clock.schedule(Duration.ofNanos((long) (gap * 1e9)), () -> {
            pool.submit(2000, 200);
            scheduleArrival(clock, pool, rnd);
        });
    }

    private static double firstAfter(List<PlannerDecision> decisions, double t, Action action) {
        for (PlannerDecision d : decisions) {
            double at = d.at().toEpochMilli() / 1000.0;
            if (at >= t && d.action() == action) {
                return at - t;
            }
        }
        return Double.NaN;
    }

    @Test
    void stepUpScalesUpWithinOneLoadIntervalAndTheDropScalesDownWithoutSloViolations() {
        check("optimization_target throughput (thresholds)", run(SEED, THRESHOLDS));
    }

    static final String THRESHOLDS = "optimization_target: throughput\n";
    static final String SLA = "optimization_target: sla\nenable_throughput_scaling: false\nenable_load_scaling: true\n";

    static final String SLA_BOTH = "optimization_target: sla\nenable_load_scaling: true\n"
            + "throughput_adjustment_interval_seconds: 60\nload_predictor: kalman\n";

    @Test
    void slaTargetOnTheFpmRegression() {
        check("optimization_target sla, load loop only", run(SEED, SLA));
    }

    @Test
    void slaTargetWithTheThroughputFloor() {
        check("optimization_target sla, both loops, 60 s throughput interval", run(SEED, SLA_BOTH));
    }

    @Test
    void withScaleDownStabilizationTheHighPhaseStopsFlapping() {
        Outcome plain = run(SEED, THRESHOLDS);
        Outcome stable = run(SEED, THRESHOLDS + "scale_down_stabilization_seconds: 60\n");
        check("thresholds + scale_down_stabilization_seconds 60", stable);
        assertThat(events(stable)).isLessThan(events(plain));
    }

    private static long events(Outcome o) {
        return o.decisions().stream().filter(PlannerDecision::changes).count();
    }

    private static void check(String label, Outcome o) {
        System.out.printf(
                "step response (seed " + SEED + ", " + label
                        + "): scale-up %.1f s after the step up, first scale-down %.1f s after the "
                        + "drop, peak %d engines, %d at the end, %d scale events; requests arriving after the first scale-down: "
                        + "%d served, %d over the SLO; whole run: SLO attainment %.2f%%, %.0f engine-seconds%n",
                o.upDelay(),
                o.downDelay(),
                o.peak(),
                o.end(),
                events(o),
                o.servedAfterDrop(),
                o.violationsAfterDrop(),
                100 * o.attainment(),
                o.engineSeconds());
        if (System.getenv("STEP_DEBUG") != null) {
            o.decisions().stream()
                    .filter(d -> d.changes() || d.sequence() % 20 == 0)
                    .forEach(d -> System.out.println(d.at() + " " + d.summary() + " " + d.estimates()));
        }
        assertThat(o.upDelay()).as("scale-up delay, s").isLessThanOrEqualTo(5.0);
        assertThat(o.peak()).isGreaterThan(1);
        assertThat(o.downDelay()).as("scale-down after the drop, s").isFinite();
        assertThat(o.end()).isLessThan(o.peak());
        assertThat(o.violationsAfterDrop()).isZero();
    }
}
