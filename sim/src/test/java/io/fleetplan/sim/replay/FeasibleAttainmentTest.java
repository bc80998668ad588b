package io.fleetplan.sim.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Feasibility#attainmentOfFeasible}: only feasible requests count; failures and either latency miss. */
class FeasibleAttainmentTest {

    private static final long MS = 1_000_000L;

    @Test
    void countsOnlyFeasibleRequests() {
        RequestLog log = new RequestLog(5);
        for (int i = 0; i < 5; i++) {
            log.arrived(i, 0);
        }
        log.firstToken(0, 100 * MS); // TTFT 100 ms
        log.done(0, 600 * MS, 11); // ITL (600 - 100) / 10 = 50 ms: met (<=)
        log.firstToken(1, 501 * MS); // TTFT miss
        log.done(1, 600 * MS, 2);
        log.firstToken(2, 100 * MS); // ITL miss: (700 - 100) / 10 = 60 ms
        log.done(2, 700 * MS, 11);
        log.failed(3, 60_000 * MS, RequestLog.Failure.NO_READY_WORKER); // failed: a miss
        log.firstToken(4, 900 * MS); // infeasible and missed: not counted
        log.done(4, 1000 * MS, 1);
        boolean[] feasible = {true, true, true, true, false};

        assertThat(Feasibility.attainmentOfFeasible(log, feasible, 500, 50)).isEqualTo(0.25);
        assertThat(Feasibility.attainmentOfFeasible(log, new boolean[] {true, false, false, false, false}, 500, 50))
                .isEqualTo(1.0);
        assertThat(Feasibility.attainmentOfFeasible(log, new boolean[5], 500, 50))
                .isEqualTo(1.0);
    }
}
