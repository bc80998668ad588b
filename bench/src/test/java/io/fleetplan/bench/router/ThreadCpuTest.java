package io.fleetplan.bench.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    @Test
    void threadsGroupByTheirNameWithoutNumbers() {
        assertThat(ThreadCpu.group("frontend-io-2-1")).isEqualTo("frontend-io");
        assertThat(ThreadCpu.group("grpc-default-worker-ELG-3-7")).isEqualTo("grpc-default-worker-ELG");
        assertThat(ThreadCpu.group("ForkJoinPool-1-worker-2")).isEqualTo("ForkJoinPool-worker");
        assertThat(ThreadCpu.group("bench-worker-bw3")).isEqualTo("bench-worker-bw");
        assertThat(ThreadCpu.group("main")).isEqualTo("main");
        assertThat(ThreadCpu.group("42")).isEqualTo("unnamed");
    }

    @Test
    void deltaSumsGroupsAndLeavesTheRestOfTheProcessToOther() {
        ThreadCpu.Snapshot before =
                new ThreadCpu.Snapshot(Map.of(1L, "io-1", 2L, "io-2"), Map.of(1L, 100L, 2L, 50L), Map.of(), 1_000);
        // thread 3 started in between, thread 2 ended in between
        ThreadCpu.Snapshot after = new ThreadCpu.Snapshot(
                Map.of(1L, "io-1", 3L, "io-3", 4L, "main"), Map.of(1L, 400L, 3L, 200L, 4L, 0L), Map.of(), 2_000);
        Map<String, Long> d = ThreadCpu.delta(before, after);
        assertThat(d)
                .containsEntry("io", 500L)
                .containsEntry(ThreadCpu.OTHER, 500L)
                .doesNotContainKey("main");
    }

    @Test
    void allocationSumsGroupsWithoutARemainder() {
        ThreadCpu.Snapshot before = new ThreadCpu.Snapshot(
                Map.of(1L, "io-1", 2L, "io-2", 5L, "main"), Map.of(), Map.of(1L, 1_000L, 2L, 10L, 5L, 7L), 0);
        ThreadCpu.Snapshot after = new ThreadCpu.Snapshot(
                Map.of(1L, "io-1", 3L, "io-3", 5L, "main"), Map.of(), Map.of(1L, 3_000L, 3L, 500L, 5L, 7L), 0);
        assertThat(ThreadCpu.allocatedDelta(before, after)).containsExactly(Map.entry("io", 2_500L));
    }

    @Test
    void theLiveProcessReportsAllocationOfThisThread() {
        ThreadCpu.Snapshot before = ThreadCpu.take();
        byte[][] garbage = new byte[64][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[16_384];
        }
        ThreadCpu.Snapshot after = ThreadCpu.take();
        assertThat(garbage[63]).hasSize(16_384);
        assertThat(ThreadCpu.allocatedDelta(before, after)
                        .get(ThreadCpu.group(Thread.currentThread().getName())))
                .isGreaterThanOrEqualTo(64L * 16_384);
    }

    @Test
    void countersByThreadNameAddUpPerGroup() {
        assertThat(ThreadCpu.grouped(Map.of("router-io-4-1", 3L, "router-io-4-2", 4L, "frontend-io-3-1", 5L)))
                .containsExactly(Map.entry("frontend-io", 5L), Map.entry("router-io", 7L));
    }
}
