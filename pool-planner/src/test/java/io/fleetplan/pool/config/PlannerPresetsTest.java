package io.fleetplan.pool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerPresetsTest {

    @Test
    void theFleetplanPresetIsTheRecommendedConfiguration() {
        PlannerConfig c = PlannerPresets.recommended(Map.of("mode", "decode"));
        assertThat(c.preset()).isEqualTo("fleetplan");
        assertThat(c.optimizationTarget()).isEqualTo("sla");
        assertThat(c.enableThroughputScaling()).isTrue();
        assertThat(c.enableLoadScaling()).isTrue();
        assertThat(c.loadPredictor()).isEqualTo("kalman");
        assertThat(c.observedSloScaling()).isTrue();
        assertThat(c.throughputAdjustmentIntervalSeconds()).isEqualTo(60);
        assertThat(c.throughputTargetUtilization()).isEqualTo(1.0);
        // prefill (and agg) pools get the per-mode section on top
        PlannerConfig prefill = PlannerPresets.recommended(Map.of("mode", "prefill"));
        assertThat(prefill.throughputAdjustmentIntervalSeconds()).isEqualTo(30);
        assertThat(prefill.throughputTargetUtilization()).isEqualTo(0.5);
    }

    @Test
    void theFilesOwnFieldsWinAlsoUnderDynamosAliases(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.yaml");
        Files.writeString(
                f, "preset: fleetplan\nmode: prefill\nadjustment_interval: 90\nload_predictor: arima\nttft: 300\n");
        PlannerConfig c = PlannerConfigKind.read(f);
        assertThat(c.throughputAdjustmentIntervalSeconds()).isEqualTo(90);
        assertThat(c.loadPredictor()).isEqualTo("arima");
        assertThat(c.ttftMs()).isEqualTo(300);
        assertThat(c.enableLoadScaling()).isTrue();
    }

    @Test
    void withoutAPresetDynamosDefaultsHold() {
        PlannerConfig c = ConfigLoader.parse("mode: decode\n", "t", PlannerConfig.class);
        assertThat(c.preset()).isEqualTo("none");
        assertThat(c.optimizationTarget()).isEqualTo("throughput");
        assertThat(c.loadPredictor()).isEqualTo("arima");
        assertThat(c.throughputAdjustmentIntervalSeconds()).isEqualTo(180);
        assertThat(c.observedSloScaling()).isFalse();
        assertThat(c.ttftPlanningFactor()).isEqualTo(1.0);
    }

    @Test
    void anUnknownPresetNamesTheFieldAndTheChoices(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.yaml");
        Files.writeString(f, "preset: fast\n");
        assertThatThrownBy(() -> PlannerConfigKind.read(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("preset")
                .hasMessageContaining("fleetplan")
                .hasMessageContaining("none");
    }

    @Test
    void theHelmChartAndUpSelectThePreset() throws Exception {
        Path chart = Path.of("..", "deploy", "helm", "fleetplan", "templates", "pools.yaml");
        assertThat(Files.readString(chart)).contains("preset: fleetplan");
    }
}
