package io.fleetplan.bench.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunQueueWaitTest {

    @Test
    void waitIsTheSecondSchedstatField() {
        assertThat(RunQueueWait.parse("123456 7890 42\n")).isEqualTo(7890L);
        assertThat(RunQueueWait.parse("")).isEqualTo(-1L);
        assertThat(RunQueueWait.parse("12 x 3")).isEqualTo(-1L);
    }

    @Test
    void deltaCountsNewThreadsFromZeroAndSumsRepeatedNames() {
        Map<Integer, RunQueueWait.Task> before =
                Map.of(1, new RunQueueWait.Task("io-1", 100), 2, new RunQueueWait.Task("gone", 5));
        Map<Integer, RunQueueWait.Task> after = Map.of(
                1,
                new RunQueueWait.Task("io-1", 350),
                3,
                new RunQueueWait.Task("io-1", 40),
                4,
                new RunQueueWait.Task("idle", 0));
        assertThat(RunQueueWait.delta(before, after)).containsExactlyEntriesOf(Map.of("io-1", 290L));
    }

    @Test
    void thisProcessIsVisibleOnLinux() {
        if (!Files.isDirectory(Path.of("/proc/self/task"))) {
            System.out.println("SKIPPED: RunQueueWaitTest.thisProcessIsVisibleOnLinux: no /proc (not Linux)");
            return;
        }
        assertThat(RunQueueWait.snapshot()).isNotEmpty();
        assertThat(RunQueueWait.snapshot().values())
                .allSatisfy(t -> assertThat(t.waitNanos()).isNotNegative());
        assertThat(RunQueueWait.total("")).isNotNegative();
        assertThat(RunQueueWait.total("no-such-thread-name")).isEqualTo(-1);
    }
}
