package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolHealthTest {

    private static final List<List<String>> DISAGG =
            List.of(List.of("ns-prefill"), List.of("ns-decode", "ns-decode-b"));

    @Test
    void healthyWhenEveryRoleHasAPoolWithAReadyWorker() {
        PoolHealth h = PoolHealth.of(Map.of("ns-prefill", 1, "ns-decode", 2, "ns-decode-b", 0), DISAGG);
        assertThat(h.httpStatus()).isEqualTo(200);
        // a decode pool without workers is named, but the other decode pool serves its requests
        assertThat(h.unreadyPools()).containsExactly("ns-decode-b");
    }

    @Test
    void aRoleWithoutAReadyWorkerIsUnhealthyAndItsPoolsAreNamed() {
        // the decode pools' only worker was killed: every request fails although the prefill pool is fine
        PoolHealth h = PoolHealth.of(Map.of("ns-prefill", 1, "ns-decode", 0, "ns-decode-b", 0), DISAGG);
        assertThat(h.httpStatus()).isEqualTo(503);
        assertThat(h.status()).isEqualTo("degraded");
        assertThat(h.unreadyPools()).containsExactly("ns-decode", "ns-decode-b");
    }

    @Test
    void noReadyPoolOrNoPoolIsNotReady() {
        assertThat(PoolHealth.of(Map.of("ns-decode", 0), List.of(List.of("ns-decode")))
                        .status())
                .isEqualTo("not_ready");
        assertThat(PoolHealth.of(Map.of(), List.of(List.of())).httpStatus()).isEqualTo(503);
    }
}
