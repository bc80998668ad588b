package io.fleetplan.pool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.pool.scaling.Replicas;
import org.junit.jupiter.api.Test;

/** The contract of a connector that can be refused (a GlobalPlanner's budget): a refusal keeps what the pool had. */
public abstract class RefusingScalingConnectorContract extends ScalingConnectorContract {

    /** Makes the next request be refused or fail. */
    protected abstract void refuseNext() throws Exception;

    @Test
    void aRefusedOrFailedRequestKeepsWhatThePoolHad() throws Exception {
        ScalingConnector c = connector();
        Replicas before = c.state().current();
        refuseNext();
        ScalingConnector.ApplyResult r = c.apply(decision(before, changed(before, 1, 1)));
        assertThat(r.status()).isIn(ScalingConnector.Status.REJECTED, ScalingConnector.Status.FAILED);
        assertThat(r.replicas()).isEqualTo(before);
        assertThat(c.state().current()).isEqualTo(before);
    }
}
