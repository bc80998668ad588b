package io.fleetplan.pool.connect;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.core.ScalingConnectorContract;
import org.junit.jupiter.api.BeforeEach;

/** The DGDSA /scale connector against fabric8's CRUD mock API server. */
@EnableKubernetesMockClient(crud = true)
class KubernetesConnectorContractIT extends ScalingConnectorContract {

    KubernetesClient client;

    @BeforeEach
    void adapters() {
        DgdsaFixture.install(client);
    }

    @Override
    protected ScalingConnector connector() {
        return new KubernetesConnector(client, DgdsaFixture.POOL);
    }
}
