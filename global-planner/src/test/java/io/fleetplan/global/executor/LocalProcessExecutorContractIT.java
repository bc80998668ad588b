package io.fleetplan.global.executor;

import io.fleetplan.common.pool.SubType;
import io.fleetplan.global.arbiter.TargetKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes (POSIX sh) standing in for workers. */
class LocalProcessExecutorContractIT extends ScaleExecutorContract {

    private static final TargetKey DECODE = new TargetKey("local", "pool", "decode");

    @TempDir
    Path dir;

    @Override
    protected ScaleExecutor create() throws Exception {
        LocalProcessExecutor ex = new LocalProcessExecutor(
                (key, type, index) -> List.of("sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.05; done"),
                List.of(new LocalProcessExecutor.Target(DECODE, SubType.DECODE, 1, 1)),
                Duration.ofSeconds(5),
                dir);
        ex.start();
        return ex;
    }

    @Override
    protected TargetKey target() {
        return DECODE;
    }
}
