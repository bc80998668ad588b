package io.fleetplan.sim.stepresponse;

import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.mocker.engine.Completion;
import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.engine.EngineListener;
import io.fleetplan.mocker.engine.EngineRequest;
import io.fleetplan.mocker.engine.ForwardPass;
import io.fleetplan.mocker.engine.MockEngine;
import io.fleetplan.mocker.profile.TimingModels;
import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.pool.perf.Fpm;
import io.fleetplan.pool.scaling.EngineLoad;
import io.fleetplan.sim.replay.ForwardPasses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool of aggregated mocker engines on a virtual clock, least-loaded routing, drain on scale-down: the bare
 * environment {@link StepResponseTest} runs one pool planner against (no router, no GlobalPlanner, engines ready at
 * once; a replay's {@code SimPool} has all of these). Single-threaded (the virtual scheduler's loop).
 */
final class MockerPool {

    /** One finished request: arrival and finish (s), latencies (ms), tokens. */
    public record Served(double arrivalSeconds, double finishSeconds, double ttftMs, double itlMs, int isl, int osl) {}

    private final VirtualScheduler clock;
    private final EngineConfig config;
    private final List<Worker> workers = new ArrayList<>();
    private final List<Fpm> fpms = new ArrayList<>();
    private final List<Served> served = new ArrayList<>();
    private long nextWorker;
    private long nextRequest;

    private final class Worker implements EngineListener {
        final String id = "w" + nextWorker++;
        final MockEngine engine;
        ForwardPass last;
        boolean draining;

        Worker() {
            engine = new MockEngine(config, TimingModels.of(config), clock, this);
            engine.start();
        }

        @Override
        public void onForwardPass(ForwardPass f) {
            last = f;
            fpms.add(ForwardPasses.fpm(id, f));
        }

        @Override
        public void onFinished(EngineRequest r, Completion c) {
            if (c.firstTokenNanos() <= 0) {
                return;
            }
            double itl = c.completionTokens() > 1
                    ? (c.finishNanos() - c.firstTokenNanos()) / 1e6 / (c.completionTokens() - 1)
                    : 0;
            served.add(new Served(
                    c.arrivalNanos() / 1e9,
                    c.finishNanos() / 1e9,
                    (c.firstTokenNanos() - c.arrivalNanos()) / 1e6,
                    itl,
                    c.promptTokens(),
                    c.completionTokens()));
        }
    }

    public MockerPool(VirtualScheduler clock, EngineConfig config, int initial) {
        this.clock = clock;
        this.config = config;
        scaleTo(initial);
    }

    /** Routes a request to the serving engine with the fewest requests in flight. */
    public boolean submit(int isl, int osl) {
        Worker best = null;
        for (Worker w : workers) {
            if (!w.draining && (best == null || w.engine.inFlight() < best.engine.inFlight())) {
                best = w;
            }
        }
        return best != null
                && best.engine
                        .submit(EngineRequest.synthetic("r" + nextRequest++, isl, osl))
                        .accepted();
    }

    /** Adds engines (ready at once) or drains the newest; a drained engine leaves when its last request ends. */
    public void scaleTo(int n) {
        int serving = serving();
        for (int i = serving; i < n; i++) {
            workers.add(new Worker());
        }
        for (int i = workers.size() - 1; i >= 0 && serving() > n; i--) {
            workers.get(i).draining = true;
        }
        reap();
    }

    /** Removes drained engines that finished their work. */
    public void reap() {
        workers.removeIf(w -> {
            if (w.draining && w.engine.inFlight() == 0) {
                w.engine.stop();
                return true;
            }
            return false;
        });
    }

    public int serving() {
        return (int) workers.stream().filter(w -> !w.draining).count();
    }

    public int running() {
        return workers.size();
    }

    /** The serving engines' load from their last iteration. */
    public EngineSnapshot snapshot(Instant now) {
        EngineLimits limits = new EngineLimits(
                (long) config.numGpuBlocks() * config.blockSize(), config.maxNumBatchedTokens(), config.maxNumSeqs());
        List<EngineLoad> loads = new ArrayList<>();
        for (Worker w : workers) {
            if (w.draining) {
                continue;
            }
            loads.add(ForwardPasses.load(w.id, w.last, limits, w.engine.load().numRunning()));
        }
        return new EngineSnapshot(now, List.of(), loads);
    }

    /** FPMs since the last call. */
    public List<Fpm> drainFpms() {
        List<Fpm> out = List.copyOf(fpms);
        fpms.clear();
        return out;
    }

    public List<Served> served() {
        return served;
    }

    /** What a router would report for the requests finished in the last {@code windowSeconds}. */
    public TrafficSample traffic(Instant now, double windowSeconds) {
        double end = now.toEpochMilli() / 1000.0;
        double n = 0;
        double isl = 0;
        double osl = 0;
        double ttft = 0;
        double itl = 0;
        for (int i = served.size() - 1; i >= 0 && served.get(i).finishSeconds() > end - windowSeconds; i--) {
            Served s = served.get(i);
            n++;
            isl += s.isl();
            osl += s.osl();
            ttft += s.ttftMs();
            itl += s.itlMs();
        }
        return n == 0
                ? new TrafficSample(now, windowSeconds, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN)
                : new TrafficSample(now, windowSeconds, n, isl / n, osl / n, ttft / n, itl / n, Double.NaN);
    }
}
