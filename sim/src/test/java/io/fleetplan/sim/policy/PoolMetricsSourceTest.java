package io.fleetplan.sim.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.sim.replay.PolicyContext;
import io.fleetplan.sim.replay.Replay;
import io.fleetplan.sim.replay.ReplayTest;
import io.fleetplan.sim.replay.ScalingPolicy;
import io.fleetplan.sim.replay.SimPool;
import io.fleetplan.sim.trace.SyntheticTraces;
import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a replayed pool's planner reads, as the live metric sources would give it. */
class PoolMetricsSourceTest {

    @Test
    void trafficIsTheWindowAskedForAndNothingBeforeTheReplay() {
        Trace trace = SyntheticTraces.generate("poisson:rate=4,duration=120", 2);
        List<TrafficSample> windows = new ArrayList<>();
        List<TrafficSample> recents = new ArrayList<>();
        List<EngineSnapshot> snapshots = new ArrayList<>();
        List<Integer> fpms = new ArrayList<>();
        ScalingPolicy reader = new ScalingPolicy() {
            @Override
            public String name() {
                return "reader";
            }

            @Override
            public String description() {
                return "reads the prefill pool's metrics";
            }

            @Override
            public void start(PolicyContext ctx) {
                Instant origin = ctx.scheduler().now();
                SimPool prefill = ctx.pools().get(0);
                PoolMetricsSource source = new PoolMetricsSource(prefill, origin);
                // ticks every 5 s as a planner's loop does; a 30 s window every 30 s
                ctx.scheduler().scheduleAtFixedRate(Duration.ZERO, Duration.ofSeconds(5), () -> {
                    Instant now = ctx.scheduler().now();
                    if (Duration.between(origin, now).toSeconds() % 30 == 0) {
                        windows.add(source.traffic(now, 30));
                    }
                    snapshots.add(source.engines(now));
                    recents.add(source.recent(now, 10));
                    fpms.add(source.drainFpms().size());
                });
            }
        };
        Replay.run(trace, ReplayTest.stack(), reader, Replay.Settings.DEFAULTS, new int[] {2, 2}, null);

        assertThat(windows.get(0))
                .as("the window before time 0 is unknown, not idle")
                .isNull();
        TrafficSample second = windows.get(2); // (30 s, 60 s]
        long arrived = trace.requests().stream()
                .mapToLong(TraceRequest::arrivalNanos)
                .filter(t -> t >= 30_000_000_000L && t < 60_000_000_000L)
                .count();
        assertThat(second.windowSeconds()).isEqualTo(30);
        assertThat(second.numRequests()).isBetween(arrived - 1.0, arrived + 1.0);
        assertThat(second.isl()).isPositive();
        assertThat(second.ttftMs()).isPositive();
        assertThat(second.kvHitRate())
                .as("the router's hit rate over the requests routed in the window, as live")
                .isBetween(0.0, 1.0);
        TrafficSample recent = recents.get(12); // (50 s, 60 s]
        assertThat(recent.prompts().size())
                .as("the prompts that finished in the recent window, one by one, as the router's stream gives them")
                .isEqualTo((int) recent.numRequests())
                .isPositive();
        for (int i = 0; i < recent.prompts().size(); i++) {
            assertThat(recent.prompts().newTokens(i)).isPositive();
            assertThat(recent.prompts().ttftMs(i)).isPositive();
        }
        assertThat(snapshots.get(1).prefill()).hasSize(2);
        assertThat(snapshots.get(1).decode()).isEmpty();
        assertThat(fpms.subList(1, 20))
                .as("every engine iteration since the last read")
                .allMatch(n -> n > 0);
    }
}
