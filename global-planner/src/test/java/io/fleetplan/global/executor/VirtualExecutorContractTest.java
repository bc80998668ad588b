package io.fleetplan.global.executor;

import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.global.arbiter.TargetKey;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;

class VirtualExecutorContractTest extends ScaleExecutorContract {

    private static final TargetKey DECODE = new TargetKey("virtual", "pool", "decode");
    private final WallClockScheduler scheduler = new WallClockScheduler("virtual-contract", 1);

    @Override
    protected ScaleExecutor create() {
        VirtualExecutor ex = new VirtualExecutor(scheduler, Duration.ofMillis(20), Duration.ofMillis(20));
        ex.register(DECODE, SubType.DECODE, 1, 1);
        return ex;
    }

    @Override
    protected TargetKey target() {
        return DECODE;
    }

    @AfterEach
    void stop() {
        scheduler.close();
    }
}
