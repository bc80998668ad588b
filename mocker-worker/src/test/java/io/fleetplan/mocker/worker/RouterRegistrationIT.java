package io.fleetplan.mocker.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.engine.Role;
import io.fleetplan.proto.v1.WorkerRole;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RouterRegistrationIT {

    @Test
    void registersHeartbeatsReRegistersAfterRestartAndDeregistersOnDrain() throws Exception {
        FakeRouter router = new FakeRouter(0);
        int port = router.port();
        WorkerSettings settings = WorkerSettings.loopback(
                        EngineConfig.builder().role(Role.PREFILL).build())
                .withRouter("127.0.0.1:" + port)
                .withWorkerId("w-1");
        try (MockerWorker w = MockerWorker.start(settings)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> router.heartbeats.size() >= 2);
            assertThat(router.registrations).containsExactly("w-1");
            assertThat(router.heartbeats.getLast().getLoad().getKvTotalBlocks()).isEqualTo(16384);
            assertThat(router.heartbeats.getLast().getDraining()).isFalse();

            // the router forgets the worker (as after a restart that kept its port): NOT_FOUND -> Register again
            router.known.clear();
            await().atMost(Duration.ofSeconds(5)).until(() -> w.registrations() == 2);

            // the router process goes away and comes back on the same port: UNAVAILABLE, then Register again
            router.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> !w.isRegistered());
            FakeRouter restarted = new FakeRouter(port);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> restarted.registrations.contains("w-1"));
                await().atMost(Duration.ofSeconds(5)).until(() -> w.registrations() == 3);
                assertThat(w.info().getRole()).isEqualTo(WorkerRole.PREFILL);

                w.drain(Duration.ofSeconds(1), false).get(10, TimeUnit.SECONDS);
                assertThat(restarted.deregistrations).containsExactly("w-1");
                assertThat(restarted.heartbeats).anyMatch(h -> h.getDraining());
            } finally {
                restarted.close();
            }
        }
    }
}
