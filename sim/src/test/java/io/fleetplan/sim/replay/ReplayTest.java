package io.fleetplan.sim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.mocker.engine.BlockHashes;
import io.fleetplan.sim.policy.StaticPolicy;
import io.fleetplan.sim.trace.SyntheticTraces;
import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceFormat;
import io.fleetplan.sim.trace.TraceRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

public class ReplayTest {

    /** The small stack the sim tests share: 6 GPUs, a prefill and a decode pool of slow (x0.25) engines. */
    public static StackConfig stack() {
        return STACK;
    }

    static final StackConfig STACK = ConfigLoader.parse("""
            budget: {max_total_gpus: 6}
            worker_startup_seconds: 60
            drain_grace_seconds: 300
            pools:
              - {name: prefill, mode: prefill, min_replicas: 1, max_replicas: 4, engine: {speedup_ratio: 0.25}}
              - {name: decode, mode: decode, min_replicas: 1, max_replicas: 4, engine: {speedup_ratio: 0.25}}
            """, "test stack", StackConfig.class);

    /** Scales to fixed targets at fixed times; records what the pools look like right after. */
    static class Scripted implements ScalingPolicy {
        final List<double[]> steps; // {time s, pool index, replicas}
        final List<String> seen = new ArrayList<>();

        Scripted(List<double[]> steps) {
            this.steps = steps;
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public String description() {
            return "test";
        }

        @Override
        public void start(PolicyContext ctx) {
            for (double[] s : steps) {
                ctx.scheduler().schedule(Duration.ofMillis((long) (s[0] * 1000)), () -> {
                    SimPool p = ctx.pools().get((int) s[1]);
                    ctx.scaleTo(p, (int) s[2]);
                    seen.add(p.name() + " target=" + p.target() + " ready=" + p.ready());
                });
            }
            ctx.scheduler()
                    .schedule(
                            Duration.ofSeconds(200),
                            () -> seen.add("t200 ready=" + ctx.pools().get(0).ready()));
        }
    }

    @Test
    void scaleUp_takesEffectAfterStartupDelay() {
        Trace t = SyntheticTraces.generate("poisson:rate=2,duration=300", 5);
        Scripted s =
                new Scripted(List.of(new double[] {100, 0, 3}, new double[] {159, 0, 3}, new double[] {161, 0, 3}));
        PolicyRun run = Replay.run(t, STACK, s, Replay.Settings.DEFAULTS, null);
        assertThat(s.seen)
                .containsExactly(
                        "prefill target=3 ready=1",
                        "prefill target=3 ready=1",
                        "prefill target=3 ready=3",
                        "t200 ready=3");
        assertThat(run.requests().completedCount()).isEqualTo(t.requests().size());
    }

    @Test
    void scaleDown_drainsWithoutFailingRequests() {
        Trace t = SyntheticTraces.generate("poisson:rate=3,duration=300", 6);
        ScalingPolicy down = new Scripted(List.of(new double[] {30, 1, 1}, new double[] {150, 0, 1}));
        PolicyRun run = Replay.run(t, STACK, down, Replay.Settings.DEFAULTS, new int[] {3, 3}, null);
        assertThat(run.requests().failedCount()).isZero();
        assertThat(run.requests().completedCount()).isEqualTo(t.requests().size());
        assertThat(run.series().target(run.series().size() - 1, 0)).isEqualTo(1);
    }

    @Test
    void drainGraceExpiry_abortsAndCountsTheRequests() {
        StackConfig shortGrace = ConfigLoader.parse("""
                budget: {max_total_gpus: 6}
                drain_grace_seconds: 0.5
                pools:
                  - {name: prefill, mode: prefill, min_replicas: 1, max_replicas: 4, engine: {speedup_ratio: 0.25}}
                  - {name: decode, mode: decode, min_replicas: 1, max_replicas: 4, engine: {speedup_ratio: 0.25}}
                """, "short grace", StackConfig.class);
        Trace t = SyntheticTraces.generate("poisson:rate=5,duration=120,osl=400", 7);
        PolicyRun run = Replay.run(
                t,
                shortGrace,
                new Scripted(List.<double[]>of(new double[] {60, 1, 1})),
                Replay.Settings.DEFAULTS,
                new int[] {1, 3},
                null);
        RequestLog log = run.requests();
        assertThat(log.failures().get(RequestLog.Failure.ABORTED_ON_DRAIN)).isPositive();
        assertThat(log.completedCount() + log.failedCount()).isEqualTo(log.size());
    }

    @Test
    void gpuSeconds_countStartingAndDrainingWorkers() {
        Trace t = SyntheticTraces.generate("poisson:rate=1,duration=100", 8);
        PolicyRun run =
                Replay.run(t, STACK, new StaticPolicy("s", "s", new int[] {2, 1}), Replay.Settings.DEFAULTS, null);
        assertThat(run.gpuSeconds()).isCloseTo(3 * run.endSeconds(), Offset.offset(1e-6));
        assertThat(run.peakGpus()).isEqualTo(3);
        assertThat(run.budgetViolations()).isZero();
    }

    @Test
    void prestart_chargesTheStartupOfEveryWorkerStartedAfterTimeZero() {
        Trace t = SyntheticTraces.generate("poisson:rate=1,duration=100", 8);
        List<double[]> steps = List.of(new double[] {10, 0, 3}, new double[] {50, 0, 1}, new double[] {60, 1, 2});
        PolicyRun paid = Replay.run(
                t,
                STACK,
                new Scripted(steps) {
                    @Override
                    public double prestartSeconds(double configured) {
                        return configured;
                    }
                },
                Replay.Settings.DEFAULTS,
                null);
        PolicyRun free = Replay.run(t, STACK, new Scripted(steps), Replay.Settings.DEFAULTS, null);
        // 2 prefill + 1 decode started after time 0, 1 GPU each, 60 s each; the initial 1 + 1 are not charged
        assertThat(paid.prestartGpuSeconds()).isCloseTo(180, Offset.offset(1e-9));
        assertThat(free.prestartGpuSeconds()).isZero();
        assertThat(paid.gpuSeconds() - free.gpuSeconds()).isCloseTo(180, Offset.offset(1e-6));
    }

    @Test
    void mooncakeHashIds_feedPrefixCaching() {
        List<TraceRequest> rs = new ArrayList<>();
        long[] shared = {1, 2, 3, 4};
        for (int i = 0; i < 40; i++) {
            rs.add(new TraceRequest(i * 500_000_000L, 2048, 20, shared));
        }
        Trace t = new Trace("mc", TraceFormat.MOONCAKE, rs, 0, 512);
        long[][] h = Replay.expandHashes(t, STACK);
        assertThat(h[0]).hasSize(32).startsWith(BlockHashes.mix(9), BlockHashes.mix(10), BlockHashes.mix(11));
        assertThat(h[5]).isEqualTo(h[0]);
        PolicyRun run =
                Replay.run(t, STACK, new StaticPolicy("s", "s", new int[] {1, 1}), Replay.Settings.DEFAULTS, null);
        assertThat(run.requests().completedCount()).isEqualTo(40);
        // with the prompt cached, later requests prefill almost nothing: TTFT drops well below the first one's
        assertThat(run.requests().ttftMs(30)).isLessThan(run.requests().ttftMs(0) / 2);
    }
}
