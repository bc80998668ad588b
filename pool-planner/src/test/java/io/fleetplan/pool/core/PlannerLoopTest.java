package io.fleetplan.pool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.pool.connect.AdvisoryConnector;
import io.fleetplan.pool.connect.VirtualConnector;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.pool.scaling.ThroughputReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerLoopTest {

    /** A source on the virtual clock: answers after {@code delay} of virtual time, or throws. */
    static final class FakeSource implements MetricsSource {
        final VirtualScheduler clock;
        Duration delay = Duration.ZERO;
        boolean fail;
        double requests = 1800;
        int trafficCalls;
        int recentCalls;

        FakeSource(VirtualScheduler clock) {
            this.clock = clock;
        }

        @Override
        public TrafficSample traffic(Instant now, double windowSeconds) {
            trafficCalls++;
            if (fail) {
                throw new IllegalStateException("prometheus down");
            }
            // a slow query: time passes on the scheduler's clock while it "runs"
            clock.runUntil(clock.now().plus(delay));
            return new TrafficSample(clock.now(), windowSeconds, requests, 3000, 150, 200, 20, 5);
        }

        /** 12 arrived, 8 finished at 900 ms TTFT, the oldest waiting 1.5 s: an overloaded window. */
        @Override
        public TrafficSample recent(Instant now, double windowSeconds) {
            recentCalls++;
            return new TrafficSample(clock.now(), windowSeconds, 8, 3000, 150, 900, 20, Double.NaN, 12, 1500);
        }

        @Override
        public EngineSnapshot engines(Instant now) {
            return null;
        }
    }

    private static final String CONFIG = "optimization_target: sla\nload_predictor: constant\n"
            + "throughput_adjustment_interval_seconds: 60\nscheduling:\n  tick_max_duration_seconds: 10\n";

    @Test
    void runsOnTheVirtualClockAndAppliesThroughTheConnector() {
        VirtualScheduler clock = new VirtualScheduler(Instant.EPOCH);
        FakeSource source = new FakeSource(clock);
        VirtualConnector connector = new VirtualConnector(new Replicas(1, 1));
        PoolPlanner planner =
                new PoolPlanner(PlanningSettings.from(PoolPlannerTest.config(CONFIG)), PoolPlannerTest.profile());
        List<PlannerDecision> seen = new ArrayList<>();
        PlannerLoop loop = new PlannerLoop(planner, source, connector, clock).addListener((d, r, t) -> seen.add(d));
        loop.start();
        clock.runUntil(Instant.EPOCH.plusSeconds(130));
        assertThat(seen).hasSize(3); // t = 0, 60, 120
        assertThat(source.trafficCalls)
                .as("a traffic window is read only when the throughput loop runs")
                .isEqualTo(3);
        assertThat(connector.desired()).isEqualTo(new Replicas(3, 5));
        loop.close();
    }

    @Test
    void aTickOverItsDeadlineIsDroppedAndAFailingSourceHolds() {
        VirtualScheduler clock = new VirtualScheduler(Instant.EPOCH);
        FakeSource source = new FakeSource(clock);
        VirtualConnector connector = new VirtualConnector(new Replicas(2, 2));
        PoolPlanner planner =
                new PoolPlanner(PlanningSettings.from(PoolPlannerTest.config(CONFIG)), PoolPlannerTest.profile());
        List<PlannerDecision> seen = new ArrayList<>();
        PlannerLoop loop = new PlannerLoop(planner, source, connector, clock).addListener((d, r, t) -> seen.add(d));
        source.delay = Duration.ofSeconds(11);
        loop.runTick();
        assertThat(loop.overruns()).isEqualTo(1);
        assertThat(seen).isEmpty();
        assertThat(connector.desired()).isEqualTo(new Replicas(2, 2));

        source.delay = Duration.ZERO;
        source.fail = true;
        clock.runUntil(clock.now().plusSeconds(60));
        loop.runTick();
        assertThat(seen).singleElement().satisfies(d -> {
            assertThat(d.throughputReason()).isEqualTo(ThroughputReason.NO_TRAFFIC_DATA);
            assertThat(d.action()).isEqualTo(Action.HOLD);
        });
        assertThat(connector.desired()).isEqualTo(new Replicas(2, 2));
    }

    @Test
    void advisoryComputesAndReportsButNeverActs() {
        VirtualScheduler clock = new VirtualScheduler(Instant.EPOCH);
        VirtualConnector cluster = new VirtualConnector(new Replicas(1, 1));
        PoolPlanner planner = new PoolPlanner(
                PlanningSettings.from(PoolPlannerTest.config(CONFIG + "advisory: true\n")), PoolPlannerTest.profile());
        List<ScalingConnector.ApplyResult> results = new ArrayList<>();
        List<PlannerDecision> seen = new ArrayList<>();
        PlannerLoop loop = new PlannerLoop(planner, new FakeSource(clock), new AdvisoryConnector(cluster), clock)
                .addListener((d, r, t) -> {
                    seen.add(d);
                    results.add(r);
                });
        loop.runTick();
        assertThat(seen.get(0).recommended()).isEqualTo(new Replicas(3, 5));
        assertThat(results.get(0).status()).isEqualTo(ScalingConnector.Status.ADVISORY);
        assertThat(results.get(0).replicas()).isEqualTo(new Replicas(1, 1));
        assertThat(cluster.desired()).as("nothing applied").isEqualTo(new Replicas(1, 1));
        assertThat(cluster.decisionCount()).isZero();
    }

    @Test
    void listenersSeeTheLoadLoopsRecentWindowOnEveryTickBeforeItsDecision() {
        VirtualScheduler clock = new VirtualScheduler(Instant.EPOCH);
        FakeSource source = new FakeSource(clock);
        PoolPlanner planner =
                new PoolPlanner(PlanningSettings.from(PoolPlannerTest.config("""
                optimization_target: sla
                enable_throughput_scaling: false
                enable_load_scaling: true
                load_adjustment_interval_seconds: 5
                observed_slo_scaling: true
                """)), PoolPlannerTest.profile());
        List<String> events = new ArrayList<>();
        PlannerLoop loop = new PlannerLoop(planner, source, new VirtualConnector(new Replicas(1, 1)), clock)
                .addListener(new DecisionListener() {
                    @Override
                    public void onDecision(PlannerDecision d, ScalingConnector.ApplyResult r, TrafficSample t) {
                        events.add("decision traffic=" + (t != null));
                    }

                    @Override
                    public void onRecent(TrafficSample recent) {
                        events.add("recent " + recent.windowSeconds() + "s arrivals=" + recent.arrivals());
                    }
                });
        loop.start();
        clock.runUntil(Instant.EPOCH.plusSeconds(12));
        // ticks at 0, 5 and 10 s: no throughput window ever (that loop is off), the recent one (2 x 5 s) every tick
        assertThat(source.trafficCalls).isZero();
        assertThat(source.recentCalls).isEqualTo(3);
        assertThat(events)
                .containsExactly(
                        "recent 10.0s arrivals=12.0",
                        "decision traffic=false",
                        "recent 10.0s arrivals=12.0",
                        "decision traffic=false",
                        "recent 10.0s arrivals=12.0",
                        "decision traffic=false");
        loop.close();
    }
}
