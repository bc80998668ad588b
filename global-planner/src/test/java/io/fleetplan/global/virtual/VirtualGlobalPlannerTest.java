package io.fleetplan.global.virtual;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.global.arbiter.ArbiterSettings;
import io.fleetplan.global.arbiter.Ask;
import io.fleetplan.global.arbiter.Decision;
import io.fleetplan.global.arbiter.Proposal;
import io.fleetplan.global.arbiter.Status;
import io.fleetplan.global.arbiter.SubType;
import io.fleetplan.global.arbiter.TargetKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualGlobalPlannerTest {

    @Test
    void aTransferHappensInVirtualTime() {
        VirtualScheduler time = new VirtualScheduler();
        VirtualGlobalPlanner gp = new VirtualGlobalPlanner(ArbiterSettings.ofBudget(4, -1), time,
                Duration.ofSeconds(60), Duration.ofSeconds(30));
        TargetKey a = new TargetKey("sim", "a", "decode");
        TargetKey b = new TargetKey("sim", "b", "decode");
        gp.addTarget(a, SubType.DECODE, 3, 1);
        gp.addTarget(b, SubType.DECODE, 1, 1);
        List<Decision> pushes = new ArrayList<>();
        gp.onPush(pushes::add);

        Decision wait = gp.propose(new Proposal("b1", "", 1, "b", "sim", "b", 0, false, List.of(Ask.of(SubType.DECODE, "", 3))));
        assertThat(wait.status()).isEqualTo(Status.REJECTED);
        gp.propose(new Proposal("a1", "", 1, "a", "sim", "a", 0, false, List.of(Ask.of(SubType.DECODE, "", 1))));
        time.advanceBy(Duration.ofSeconds(29));
        assertThat(gp.running(a)).isEqualTo(3);
        assertThat(pushes).isEmpty();
        time.advanceBy(Duration.ofSeconds(1));
        assertThat(gp.running(a)).isEqualTo(1);
        assertThat(pushes).singleElement().satisfies(d -> assertThat(d.poolId()).isEqualTo("sim/b"));
        time.advanceBy(Duration.ofSeconds(60));
        assertThat(gp.running(b)).isEqualTo(3);
        assertThat(gp.budget().committedGpus()).isEqualTo(4);
        assertThat(gp.executor().gpusInUse()).isEqualTo(4);
    }
}
