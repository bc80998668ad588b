package io.fleetplan.sim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay's frontend follows the live Frontend's rules: 503 without a ready pool, the client comes back. */
class FrontendTest {

    private static final StackConfig NO_PREFILL = ConfigLoader.parse("""
            budget: {max_total_gpus: 4}
            worker_startup_seconds: 60
            pools:
              - {name: prefill, mode: prefill, min_replicas: 0, max_replicas: 2, initial_replicas: 0}
              - {name: decode, mode: decode, min_replicas: 1, max_replicas: 2}
            """, "no prefill worker", StackConfig.class);

    private static Trace trace(double... arrivalSeconds) {
        List<TraceRequest> rs = new ArrayList<>();
        for (double s : arrivalSeconds) {
            rs.add(new TraceRequest(Math.round(s * 1e9), 200, 20, null));
        }
        return new Trace("test", null, rs, 0, 0);
    }

    @Test
    void aRequestWithNoReadyPoolRetriesAfterRetryAfterAndFailsAfterTheClientsPatience() {
        // a prefill worker is asked for at 5 s and serves at 65 s: the request of 2 s has given up by then (62 s),
        // the one of 10 s comes back every second and is served when the worker is ready
        ReplayTest.Scripted s = new ReplayTest.Scripted(List.<double[]>of(new double[] {5, 0, 1}));
        PolicyRun run = Replay.run(trace(2, 10), NO_PREFILL, s, Replay.Settings.DEFAULTS, null);
        RequestLog log = run.requests();
        assertThat(log.failures()).containsEntry(RequestLog.Failure.NO_READY_WORKER, 1);
        assertThat(log.failed(0)).isTrue();
        assertThat(log.finishNanos(0)).isEqualTo(62_000_000_000L);
        assertThat(log.completed(1)).isTrue();
        assertThat(log.ttftMs(1))
                .as("sent again at 65 s, as the worker became ready")
                .isBetween(55_000.0, 56_000.0);
    }
}
