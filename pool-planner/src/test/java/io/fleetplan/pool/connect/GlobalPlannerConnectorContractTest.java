package io.fleetplan.pool.connect;

import io.fleetplan.pool.core.RefusingScalingConnectorContract;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.scaling.Replicas;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;

/** Against the in-process fake GlobalPlanner, which grants at most 3 replicas per component. */
class GlobalPlannerConnectorContractTest extends RefusingScalingConnectorContract {

    private FakeGlobalPlanner planner;

    @Override
    protected ScalingConnector connector() throws Exception {
        planner = new FakeGlobalPlanner();
        return new GlobalPlannerConnector(
                planner.channel,
                GlobalPlannerConnectorTest.pool(),
                new Replicas(1, 2),
                InstantSource.system(),
                Duration.ofSeconds(2));
    }

    @Override
    protected void refuseNext() {
        planner.cap = -1;
    }

    @AfterEach
    void stop() {
        planner.close();
    }
}
