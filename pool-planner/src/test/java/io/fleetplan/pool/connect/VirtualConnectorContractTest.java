package io.fleetplan.pool.connect;

import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.core.ScalingConnectorContract;
import io.fleetplan.pool.scaling.Replicas;

class VirtualConnectorContractTest extends ScalingConnectorContract {

    @Override
    protected ScalingConnector connector() {
        return new VirtualConnector(new Replicas(1, 2));
    }
}
