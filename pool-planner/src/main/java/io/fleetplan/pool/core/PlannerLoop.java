package io.fleetplan.pool.core;

import io.fleetplan.common.time.Scheduler;
import io.fleetplan.pool.perf.Fpm;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The planning pipeline: every scale interval (gcd of the enabled loop intervals) it reads the sources, feeds
 * the {@link PoolPlanner}, asks it to tick and hands a decision to the connector and the listeners. The tick
 * deadline ({@code scheduling.tick_max_duration_seconds}) is checked on the scheduler's clock after reading
 * the sources: a tick that overran is dropped (nothing applied) and the next one starts clean.
 *
 * <p>Ticks never overlap: the scheduler runs them one at a time, and this class is their only caller of the
 * planner.
 */
public final class PlannerLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PlannerLoop.class.getName());

    private final PoolPlanner planner;
    private final MetricsSource source;
    private final ScalingConnector connector;
    private final Scheduler scheduler;
    private final List<DecisionListener> listeners = new CopyOnWriteArrayList<>();
    private Scheduler.@Nullable Cancellable task;
    private long overruns;
    private @Nullable Instant lastAdvisoryLog;
    private String lastLoggedReasons = "";

    public PlannerLoop(PoolPlanner planner, MetricsSource source, ScalingConnector connector, Scheduler scheduler) {
        this.planner = planner;
        this.source = source;
        this.connector = connector;
        this.scheduler = scheduler;
    }

    public PlannerLoop addListener(DecisionListener l) {
        listeners.add(l);
        return this;
    }

    public void start() {
        task = scheduler.scheduleAtFixedRate(Duration.ZERO, planner.scaleInterval(), this::runTick);
    }

    /** One tick, callable directly (tests, simulators). */
    public void runTick() {
        Instant start = scheduler.now();
        PlanningSettings s = planner.settings();
        TrafficSample traffic = null;
        TrafficSample recent = null;
        EngineSnapshot snapshot = null;
        try {
            if (planner.throughputDue(start)) { // one window per throughput run, as Dynamo queries it
                traffic = source.traffic(start, s.throughputInterval().toMillis() / 1000.0);
            }
            if (s.observedSloScaling() && s.loadScaling()) {
                recent = source.recent(start, planner.recentWindow().toMillis() / 1000.0);
                if (recent != null) {
                    planner.observeRecent(recent);
                    for (DecisionListener l : listeners) {
                        l.onRecent(recent);
                    }
                }
            }
            snapshot = source.engines(start);
            if (snapshot != null) {
                planner.observeEngines(snapshot);
                for (DecisionListener l : listeners) {
                    l.onEngines(snapshot);
                }
            }
            for (Fpm f : source.drainFpms()) {
                planner.observeFpm(f);
            }
        } catch (RuntimeException e) {
            LOG.warning("metrics source failed, holding: " + e);
        }
        if (Duration.between(start, scheduler.now()).compareTo(s.tickDeadline()) > 0) {
            overruns++;
            LOG.warning("tick exceeded tick_max_duration_seconds (" + s.tickDeadline() + "), dropped");
            return;
        }
        if (traffic != null) {
            planner.observeTraffic(traffic);
        }
        ReplicaState state = connector.state();
        final TrafficSample seen = traffic;
        final TrafficSample seenRecent = recent;
        final EngineSnapshot seenEngines = snapshot;
        planner.tick(start, state).ifPresent(d -> {
            ScalingConnector.ApplyResult r = d.changes()
                    ? connector.apply(d)
                    : new ScalingConnector.ApplyResult(ScalingConnector.Status.NO_CHANGE, d.current(), "unchanged");
            // changes are logged, and a hold or no_change when its reasons differ from the last logged one, so the
            // log says why a pool stays as it is without a line per tick
            String reasons = d.action() + " " + d.reasons();
            if ((d.changes() || !reasons.equals(lastLoggedReasons)) && shouldLog(r, start, s)) {
                lastLoggedReasons = reasons;
                LOG.info(d.summary() + " -> " + r.status().label() + " " + r.replicas() + " " + r.message());
            }
            // every decision whole (floor, forecast, estimates, the windows fed): for a developer tracing one
            LOG.fine(() -> d + " traffic " + seen + " recent " + seenRecent + " engines " + seenEngines + " -> "
                    + r.status().label() + " " + r.replicas());
            for (DecisionListener l : listeners) {
                l.onDecision(d, r, seen);
            }
        });
    }

    /** Advisory recommendations repeat every tick; they are logged once per advisory_log_interval. */
    private boolean shouldLog(ScalingConnector.ApplyResult r, Instant now, PlanningSettings s) {
        if (r.status() != ScalingConnector.Status.ADVISORY) {
            return true;
        }
        if (lastAdvisoryLog != null && Duration.between(lastAdvisoryLog, now).compareTo(s.advisoryLogInterval()) < 0) {
            return false;
        }
        lastAdvisoryLog = now;
        return true;
    }

    public long overruns() {
        return overruns;
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel();
        }
        source.close();
    }
}
