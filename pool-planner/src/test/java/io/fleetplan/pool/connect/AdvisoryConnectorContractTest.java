package io.fleetplan.pool.connect;

import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.core.ScalingConnectorContract;
import io.fleetplan.pool.scaling.Replicas;

/** Advisory mode answers every request with what runs: the state it reports is the observed connector's. */
class AdvisoryConnectorContractTest extends ScalingConnectorContract {

    @Override
    protected ScalingConnector connector() {
        return new AdvisoryConnector(new VirtualConnector(new Replicas(2, 1)));
    }
}
