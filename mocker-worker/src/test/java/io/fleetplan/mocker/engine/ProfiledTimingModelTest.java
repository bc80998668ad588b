package io.fleetplan.mocker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.fleetplan.common.time.VirtualScheduler;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProfiledTimingModelTest {

    // prefill: 20 ms at 1000 new tokens, 100 ms at 9000 -> 0.01 ms per token between them
    private final ProfiledTimingModel model = new ProfiledTimingModel(
            new double[] {1000, 9000},
            new double[] {20, 100},
            new double[] {0, 100_000},
            new double[] {100, 1100},
            // itl = 5 + 1e-4 * kv + 0.01 * ctx at the corners: bilinear interpolation reproduces it exactly
            new double[][] {{6, 16}, {16, 26}});

    @Test
    void prefillInterpolatesAndExtrapolatesLinearly() {
        assertThat(model.prefillMs(1, 1000, 0)).isEqualTo(20);
        assertThat(model.prefillMs(2, 5000, 0)).isCloseTo(60, within(1e-9));
        assertThat(model.prefillMs(1, 13000, 0)).isCloseTo(140, within(1e-9)); // beyond the last point
        assertThat(model.prefillMs(1, 500, 0)).isCloseTo(15, within(1e-9)); // below the first
        assertThat(model.prefillMs(1, 0, 0)).isZero();
    }

    @Test
    void decodeIsBilinearInSumAndMeanContext() {
        // 10 sequences of 600 tokens: sum 6000, mean 600 -> 5 + 0.6 + 6
        assertThat(model.decodeMs(10, 6000, 1_000_000, 6000)).isCloseTo(11.6, within(1e-9));
        // mean 600 again, 10x the batch: 5 + 6 + 6: the step grows with the batch, unlike the polynomial default
        assertThat(model.decodeMs(100, 60_000, 1_000_000, 60_000)).isCloseTo(17, within(1e-9));
        // extrapolated past both axes: 5 + 20 + 20
        assertThat(model.decodeMs(100, 200_000, 1_000_000, 200_000)).isCloseTo(5 + 20 + 20, within(1e-9));
    }

    // spotless:off: the tables read as tables
    @Test
    void negativeExtrapolationIsFlooredAtZero() {
        ProfiledTimingModel steep = new ProfiledTimingModel(new double[] {1000, 2000}, new double[] {10, 100},
                new double[] {0}, new double[] {0}, new double[][] {{3}});
        assertThat(steep.prefillMs(1, 100, 0)).isZero();
        assertThat(steep.decodeMs(4, 10, 100, 10)).isEqualTo(3); // one-point grid: constant
    }

    @Test
    void badTablesNameTheArray() {
        assertThatThrownBy(() -> new ProfiledTimingModel(new double[] {2, 1}, new double[] {1, 2},
                new double[] {0}, new double[] {0}, new double[][] {{1}}))
                .hasMessageContaining("prefill_isl must be strictly increasing");
        assertThatThrownBy(() -> new ProfiledTimingModel(new double[] {1}, new double[] {1, 2},
                new double[] {0}, new double[] {0}, new double[][] {{1}}))
                .hasMessageContaining("prefill_ttft_ms has 2 values");
        assertThatThrownBy(() -> new ProfiledTimingModel(new double[] {1}, new double[] {1},
                new double[] {0, 1}, new double[] {0}, new double[][] {{1}}))
                .hasMessageContaining("decode_itl has 1 rows");
        assertThatThrownBy(() -> new ProfiledTimingModel(new double[] {1}, new double[] {1},
                new double[] {0}, new double[] {0, 5}, new double[][] {{1}}))
                .hasMessageContaining("decode_itl[0] has 1 values");
        assertThatThrownBy(() -> new ProfiledTimingModel(new double[0], new double[0],
                new double[] {0}, new double[] {0}, new double[][] {{1}}))
                .hasMessageContaining("prefill_isl is missing or empty");
    }

    // spotless:on
    @Test
    void engineRunsOnTheProfiledTimes() {
        VirtualScheduler clock = new VirtualScheduler(Instant.EPOCH);
        RecordingListener seen = new RecordingListener();
        EngineConfig config = EngineConfig.builder().heartbeatIntervalMs(0).build();
        MockEngine engine = new MockEngine(config, model, clock, seen);
        engine.submit(EngineRequest.synthetic("r", 5000, 2));
        clock.runUntilIdle(10_000);
        assertThat(seen.finished).containsKey("r");
        Completion done = seen.finished.get("r");
        // first iteration: prefill of 5000 new tokens (60 ms) plus one decode step of the fresh sequence
        double firstTokenMs = (done.firstTokenNanos() - done.arrivalNanos()) / 1e6;
        double decodeStep = model.decodeMs(1, 5056, config.numGpuBlocks() * 64L, 5000);
        assertThat(firstTokenMs).isBetween(60.0, 60.0 + decodeStep + 1e-6);
    }
}
