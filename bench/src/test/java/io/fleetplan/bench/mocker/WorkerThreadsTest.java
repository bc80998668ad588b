package io.fleetplan.bench.mocker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkerThreadsTest {

    @Test
    void differencesPropagateUnknownRunQueueWait() {
        WorkerThreads.Sample a = new WorkerThreads.Sample(100, 1_000, -1);
        WorkerThreads.Sample b = new WorkerThreads.Sample(350, 4_000, 20);
        assertThat(b.minus(a)).isEqualTo(new WorkerThreads.Sample(250, 3_000, -1));
        assertThat(b.minus(new WorkerThreads.Sample(50, 500, 5))).isEqualTo(new WorkerThreads.Sample(300, 3_500, 15));
    }
}
