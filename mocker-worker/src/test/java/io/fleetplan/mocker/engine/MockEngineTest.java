package io.fleetplan.mocker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.mocker.profile.TimingModels;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class MockEngineTest {

    @Test
    void singleRequestTtftIsPrefillPlusOneDecodeStep() {
        VirtualScheduler vs = new VirtualScheduler();
        RecordingListener rec = new RecordingListener();
        EngineConfig cfg = EngineConfig.builder().heartbeatIntervalMs(0).build();
        MockEngine engine = new MockEngine(cfg, TimingModels.of(cfg), vs, rec);
        assertThat(engine.submit(EngineRequest.synthetic("a", 1000, 3)).accepted())
                .isTrue();
        vs.runUntilIdle(1000);
        assertThat(rec.tokens("a")).isEqualTo(3);
        // prefill(1000) = 32.115 ms, then one decode step
        double p = 16.0 / 16384; // ceil((1000 + 1) / 64) blocks held
        double ttft = PolynomialTimingModel.prefillFormula(1000) + PolynomialTimingModel.decodeFormula(p);
        assertThat(rec.tokenTimes.get("a").get(0) / 1e6).isCloseTo(ttft, Offset.offset(1e-3));
        assertThat(rec.finished.get("a").completionTokens()).isEqualTo(3);
        assertThat(engine.kvCache().usedBlocks()).isZero();
        assertThat(engine.isIdle()).isTrue();
    }
}
