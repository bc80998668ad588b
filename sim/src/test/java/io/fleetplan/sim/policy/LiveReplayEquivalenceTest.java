package io.fleetplan.sim.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.pool.config.PlannerConfig;
import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.core.GrantedReplicas;
import io.fleetplan.pool.core.MetricsSource;
import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.PlannerLoop;
import io.fleetplan.pool.core.PlanningSettings;
import io.fleetplan.pool.core.PoolPlanner;
import io.fleetplan.pool.core.ReplicaState;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.perf.Fpm;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.sim.replay.PolicyContext;
import io.fleetplan.sim.replay.Replay;
import io.fleetplan.sim.replay.ScalingPolicy;
import io.fleetplan.sim.replay.SimPool;
import io.fleetplan.sim.trace.SyntheticTraces;
import io.fleetplan.sim.trace.Trace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Rule 7: a replayed pool planner is the live one. One recorded sequence of router metrics (the traffic windows,
 * engine snapshots and FPMs a replay's pools gave their planners) is fed to the live planner stack, wired as
 * {@code fleetplan pool-planner} wires it (a {@link PlannerLoop} around a {@link PoolPlanner}, a fake metrics
 * source, a connector to a GlobalPlanner that grants every ask) on a fake clock, and to the replay's wrapper in
 * virtual time; both make the same decisions, tick by tick.
 */
class LiveReplayEquivalenceTest {

    /** Budget to spare: the GlobalPlanner grants every ask, as the live side's fake one does. */
    private static final StackConfig STACK = ConfigLoader.parse("""
            budget: {max_total_gpus: 16}
            worker_startup_seconds: 60
            drain_grace_seconds: 300
            pools:
              - {name: prefill, mode: prefill, min_replicas: 1, max_replicas: 6, engine: {speedup_ratio: 0.25}}
              - {name: decode, mode: decode, min_replicas: 1, max_replicas: 6, engine: {speedup_ratio: 0.25}}
            """, "equivalence stack", StackConfig.class);

    private static final Trace TRACE =
            SyntheticTraces.generate("bursts:rate=2,burst_rate=10,burst_seconds=90,every=300,duration=900", 3);

    /** One read of a metrics source, in call order. */
    private sealed interface Read {
        record Traffic(Instant now, double windowSeconds, TrafficSample sample) implements Read {}

        record Recent(Instant now, double windowSeconds, TrafficSample sample) implements Read {}

        record Engines(Instant now, EngineSnapshot snapshot) implements Read {}

        record Fpms(List<Fpm> fpms) implements Read {}
    }

    /** Passes reads through and keeps them. */
    private static final class Recording implements MetricsSource {
        final MetricsSource delegate;
        final List<Read> reads = new ArrayList<>();

        Recording(MetricsSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public TrafficSample traffic(Instant now, double windowSeconds) {
            TrafficSample s = delegate.traffic(now, windowSeconds);
            reads.add(new Read.Traffic(now, windowSeconds, s));
            return s;
        }

        @Override
        public TrafficSample recent(Instant now, double windowSeconds) {
            TrafficSample s = delegate.recent(now, windowSeconds);
            reads.add(new Read.Recent(now, windowSeconds, s));
            return s;
        }

        @Override
        public EngineSnapshot engines(Instant now) {
            EngineSnapshot s = delegate.engines(now);
            reads.add(new Read.Engines(now, s));
            return s;
        }

        @Override
        public List<Fpm> drainFpms() {
            List<Fpm> f = List.copyOf(delegate.drainFpms());
            reads.add(new Read.Fpms(f));
            return f;
        }
    }

    /** Answers from a recording, and fails when asked anything else, or at another time, than was recorded. */
    private static final class Replaying implements MetricsSource {
        final Iterator<Read> reads;

        Replaying(List<Read> recorded) {
            this.reads = recorded.iterator();
        }

        @Override
        public TrafficSample traffic(Instant now, double windowSeconds) {
            Read r = reads.next();
            assertThat(r).isEqualTo(new Read.Traffic(now, windowSeconds, ((Read.Traffic) r).sample()));
            return ((Read.Traffic) r).sample();
        }

        @Override
        public TrafficSample recent(Instant now, double windowSeconds) {
            Read r = reads.next();
            assertThat(r).isEqualTo(new Read.Recent(now, windowSeconds, ((Read.Recent) r).sample()));
            return ((Read.Recent) r).sample();
        }

        @Override
        public EngineSnapshot engines(Instant now) {
            Read r = reads.next();
            assertThat(r).isInstanceOf(Read.Engines.class);
            assertThat(((Read.Engines) r).now()).isEqualTo(now);
            return ((Read.Engines) r).snapshot();
        }

        @Override
        public List<Fpm> drainFpms() {
            Read r = reads.next();
            assertThat(r).isInstanceOf(Read.Fpms.class);
            return ((Read.Fpms) r).fpms();
        }
    }

    /** The live GlobalPlanner connector's state logic, against a GlobalPlanner that grants every ask. */
    private static final class GrantingEverything implements ScalingConnector {
        final GrantedReplicas granted;

        GrantingEverything(Replicas initial) {
            this.granted = new GrantedReplicas(initial);
        }

        @Override
        public ReplicaState state() {
            return granted.state();
        }

        @Override
        public ApplyResult apply(PlannerDecision d) {
            Replicas r = d.recommended();
            Replicas now = granted.absorb(
                    "GRANTED",
                    List.of(
                            new GrantedReplicas.Grant(SubType.PREFILL, r.prefill(), r.prefill()),
                            new GrantedReplicas.Grant(SubType.DECODE, r.decode(), r.decode())));
            return new ApplyResult(Status.APPLIED, now, "granted");
        }

        @Override
        public String name() {
            return "fake global-planner";
        }
    }

    /** What a decision log line says: when, from what, to what, and why. */
    private static String line(PlannerDecision d) {
        return d.sequence() + " " + d.at() + " " + d.summary();
    }

    /** The fleetplan policy's planners in a replay, each reading what {@code source} makes of its pool. */
    private static final class Wrapped implements ScalingPolicy {
        final PlannerPolicy fleetplan = PlannerPolicy.fleetplanDefault();
        final BiFunction<SimPool, Instant, MetricsSource> source;
        final Map<String, MetricsSource> sources = new LinkedHashMap<>();
        final Map<String, List<String>> log = new LinkedHashMap<>();
        final Map<String, PlannerConfig> configs = new LinkedHashMap<>();
        final Map<String, Replicas> initial = new LinkedHashMap<>();
        Instant origin;

        Wrapped(BiFunction<SimPool, Instant, MetricsSource> source) {
            this.source = source;
        }

        @Override
        public String name() {
            return "fleetplan";
        }

        @Override
        public String description() {
            return "fleetplan, decisions logged";
        }

        @Override
        public boolean arbitrated() {
            return true;
        }

        @Override
        public void start(PolicyContext ctx) {
            origin = ctx.scheduler().now();
            for (SimPool pool : ctx.pools()) {
                MetricsSource s = source.apply(pool, origin);
                sources.put(pool.name(), s);
                configs.put(pool.name(), fleetplan.config(pool, ctx));
                initial.put(
                        pool.name(),
                        pool.mode().equals("prefill")
                                ? new Replicas(pool.target(), 0)
                                : new Replicas(0, pool.target()));
                List<String> lines = log.computeIfAbsent(pool.name(), k -> new ArrayList<>());
                fleetplan
                        .loop(pool, ctx, s)
                        .addListener((d, r, t) -> lines.add(line(d)))
                        .start();
            }
        }
    }

    /** The live stack, as {@code fleetplan pool-planner} wires it, on a fake clock from {@code origin} to {@code end}. */
    private static List<String> live(
            PlannerConfig config, MetricsSource source, Replicas initial, Instant origin, Instant end) {
        VirtualScheduler clock = new VirtualScheduler(origin);
        PoolPlanner planner = new PoolPlanner(PlanningSettings.from(config), null);
        List<String> lines = new ArrayList<>();
        PlannerLoop loop = new PlannerLoop(planner, source, new GrantingEverything(initial), clock)
                .addListener((d, r, t) -> lines.add(line(d)));
        loop.start();
        clock.runUntil(end);
        loop.close();
        return lines;
    }

    @Test
    void theLivePlannerStackAndTheReplayDecideAlike() {
        Wrapped recorded = new Wrapped((pool, origin) -> new Recording(new PoolMetricsSource(pool, origin)));
        Replay.run(TRACE, STACK, recorded, Replay.Settings.DEFAULTS, new int[] {2, 2}, null);

        for (String pool : List.of("prefill", "decode")) {
            List<Read> reads = ((Recording) recorded.sources.get(pool)).reads;
            Instant end = reads.stream()
                    .map(r -> r instanceof Read.Engines e ? e.now() : null)
                    .filter(Objects::nonNull)
                    .max(Instant::compareTo)
                    .orElseThrow();
            List<String> replayed = recorded.log.get(pool);
            assertThat(reads)
                    .filteredOn(r -> r instanceof Read.Traffic t && t.sample() != null)
                    .hasSizeGreaterThan(10);
            // the load loop's recent windows (observed_slo_scaling) are part of what is replayed
            assertThat(reads)
                    .filteredOn(r -> r instanceof Read.Recent t && t.sample() != null)
                    .hasSizeGreaterThan(100);

            List<String> live = live(
                    recorded.configs.get(pool), new Replaying(reads), recorded.initial.get(pool), recorded.origin, end);
            assertThat(live)
                    .as(pool + ": the live loop on the recorded metrics")
                    .isEqualTo(replayed);
        }
        assertThat(recorded.log.values().stream().flatMap(List::stream))
                .as("both ways")
                .anyMatch(l -> l.contains("scale_up"))
                .anyMatch(l -> l.contains("scale_down"));

        // and the replay's wrapper fed the recording (not its pools) decides the same again
        Wrapped again =
                new Wrapped((pool, origin) -> new Replaying(((Recording) recorded.sources.get(pool.name())).reads));
        Replay.run(TRACE, STACK, again, Replay.Settings.DEFAULTS, new int[] {2, 2}, null);
        assertThat(again.log).isEqualTo(recorded.log);
    }
}
