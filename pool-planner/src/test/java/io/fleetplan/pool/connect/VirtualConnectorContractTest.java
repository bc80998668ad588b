package io.fleetplan.pool.core;

import io.fleetplan.pool.scaling.Replicas;

class VirtualConnectorContractTest extends ScalingConnectorContract {

    @Override
    protected ScalingConnector connector() {
        return new VirtualConnector(new Replicas(1, 2));
    }
}
