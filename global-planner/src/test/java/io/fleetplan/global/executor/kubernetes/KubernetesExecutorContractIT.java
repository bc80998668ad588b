package io.fleetplan.global.executor.kubernetes;

import static io.fleetplan.global.executor.kubernetes.KubeFixtures.NS;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.executor.ScaleExecutor;
import io.fleetplan.global.executor.ScaleExecutorContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The DGDSA /scale executor against fabric8's CRUD mock API server (no operator: no DGD status). */
@EnableKubernetesMockClient(crud = true)
class KubernetesExecutorContractIT extends ScaleExecutorContract {

    KubernetesClient client;
    private final WallClockScheduler scheduler = new WallClockScheduler("k8s-contract", 2);

    @BeforeEach
    void cluster() throws Exception {
        KubeFixtures.installCrds(client);
        KubeFixtures.pool(client, "pool-a", 1, 1);
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }

    @Override
    protected ScaleExecutor create() {
        return KubeFixtures.executor(client, scheduler);
    }

    @Override
    protected TargetKey target() {
        return new TargetKey(NS, "pool-a", "decode");
    }
}
