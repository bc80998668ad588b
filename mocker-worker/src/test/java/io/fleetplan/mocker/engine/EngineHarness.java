package io.fleetplan.mocker.engine;

import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.mocker.profile.TimingModels;

/** An engine on a virtual clock with a recording listener. */
final class EngineHarness {

    final VirtualScheduler clock = new VirtualScheduler();
    final RecordingListener rec = new RecordingListener();
    final MockEngine engine;

    EngineHarness(EngineConfig config) {
        engine = new MockEngine(config, TimingModels.of(config), clock, rec);
        engine.start();
    }

    EngineHarness(EngineConfig.Builder config) {
        this(config.heartbeatIntervalMs(0).build());
    }

    void submit(EngineRequest r) {
        SubmitResult result = engine.submit(r);
        if (!result.accepted()) {
            throw new AssertionError("refused " + r.requestId() + ": " + result.message());
        }
    }

    /** Runs until the engine has nothing in flight (heartbeat off) or the event budget is spent. */
    void drain() {
        while (!engine.isIdle() && clock.runNext()) {
            // keep going
        }
    }

    long sumPrefillTokens() {
        return rec.fpms.stream()
                .mapToLong(f -> f.scheduled().sumPrefillTokens())
                .sum();
    }
}
