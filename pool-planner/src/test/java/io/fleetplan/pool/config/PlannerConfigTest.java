package io.fleetplan.pool.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PlannerConfigTest {

    @Test
    void emptyFileGivesDynamosDocumentedDefaults() {
        PlannerConfig c = PlannerConfig.defaults();
        // reference/dynamo-pool-planner.md 1.1 and seeds/004 (Planner Guide)
        assertThat(c.mode()).isEqualTo("disagg");
        assertThat(c.backend()).isEqualTo("vllm");
        assertThat(c.environment()).isEqualTo("kubernetes");
        assertThat(c.optimizationTarget()).isEqualTo("throughput");
        assertThat(c.throughputAdjustmentIntervalSeconds()).isEqualTo(180);
        assertThat(c.loadAdjustmentIntervalSeconds()).isEqualTo(5);
        assertThat(c.maxGpuBudget()).isEqualTo(8);
        assertThat(c.minEndpoint()).isEqualTo(1);
        assertThat(c.ttftMs()).isEqualTo(500.0);
        assertThat(c.itlMs()).isEqualTo(50.0);
        assertThat(c.loadPredictor()).isEqualTo("arima");
        assertThat(c.prophetWindowSize()).isEqualTo(50);
        assertThat(c.loadPredictorLog1p()).isFalse();
        assertThat(c.kalmanQLevel()).isEqualTo(1.0);
        assertThat(c.kalmanQTrend()).isEqualTo(0.1);
        assertThat(c.kalmanR()).isEqualTo(10.0);
        assertThat(c.kalmanMinPoints()).isEqualTo(5);
        assertThat(c.throughputMetricsSource()).isEqualTo("frontend");
        assertThat(c.maxNumFpmSamples()).isEqualTo(64);
        assertThat(c.fpmSampleBucketSize()).isEqualTo(16);
        assertThat(c.loadScalingDownSensitivity()).isEqualTo(80);
        assertThat(c.loadMetricSamples()).isEqualTo(10);
        assertThat(c.loadMinObservations()).isEqualTo(5);
        assertThat(c.preDeploymentSweepingMode()).isEqualTo("rapid");
        assertThat(c.scalingMode()).isEqualTo("active");
        assertThat(c.advisory()).isFalse();
        assertThat(c.reportIntervalHours()).contains(24.0);
        assertThat(c.reportOutputDir()).isEqualTo("./planner_reports");
        assertThat(c.liveDashboardPort()).isEqualTo(8080);
        assertThat(c.metricReportingPrometheusPort()).isZero();
        assertThat(c.scheduling().tickMaxDurationSeconds()).isEqualTo(30.0);
        assertThat(c.pluginRegistration().transport().requestTimeoutSeconds()).isEqualTo(5.0);
        assertThat(c.prefillEngineNumGpu()).isNull();
        // default target "throughput" is load-based only, as Dynamo's validator forces
        assertThat(c.enableLoadScaling()).isTrue();
        assertThat(c.enableThroughputScaling()).isFalse();
        assertThat(c.scaleIntervalSeconds()).isEqualTo(5.0);
    }

    @Test
    void slaTargetKeepsThroughputScalingAndCadenceIsTheGcd() {
        PlannerConfig c = parse("""
                optimization_target: sla
                enable_load_scaling: true
                throughput_adjustment_interval_seconds: 60
                load_adjustment_interval_seconds: 25
                """);
        assertThat(c.enableThroughputScaling()).isTrue();
        assertThat(c.enableLoadScaling()).isTrue();
        assertThat(c.scaleIntervalSeconds()).isEqualTo(5.0);
    }

    @Test
    void olderDynamoNamesAreAccepted() {
        PlannerConfig c = parse("ttft: 200.0\nitl: 10.0\nadjustment_interval: 90\nscaling_mode: advisory\n");
        assertThat(c.ttftMs()).isEqualTo(200.0);
        assertThat(c.itlMs()).isEqualTo(10.0);
        assertThat(c.throughputAdjustmentIntervalSeconds()).isEqualTo(90);
        assertThat(c.advisory()).isTrue();
    }

    @Test
    void explicitNullReportIntervalDisablesReports() {
        assertThat(parse("report_interval_hours: null\n").reportIntervalHours()).isEqualTo(Optional.empty());
        assertThat(parse("report_interval_hours: 2.5\n").reportIntervalHours()).contains(2.5);
    }

    @Test
    void readsThePlannerSectionOfADynamoGraphDeploymentRequest(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("dgdr.yaml");
        Files.writeString(f, """
                apiVersion: nvidia.com/v1beta1
                kind: DynamoGraphDeploymentRequest
                metadata:
                  name: my-deployment
                spec:
                  model: Qwen/Qwen3-0.6B
                  features:
                    planner:
                      optimization_target: sla
                      enable_load_scaling: true
                      ttft: 200.0
                      itl: 10.0
                      pre_deployment_sweeping_mode: rapid
                      scheduling:
                        tick_max_duration_seconds: 30.0
                      plugin_registration:
                        transport:
                          request_timeout_seconds: 5.0
                """);
        PlannerConfig c = PlannerConfigKind.read(f);
        assertThat(c.ttftMs()).isEqualTo(200.0);
        assertThat(c.enableLoadScaling()).isTrue();
        assertThat(new PlannerConfigKind().summary(c)).startsWith("planner config OK: mode=disagg");
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of(
                        "mode: aggregated\n",
                        "field 'mode': value 'aggregated': must be one of: disagg, prefill, decode, agg (did you mean 'agg'?)"),
                Arguments.of(
                        "backend: tensorrt\n",
                        "field 'backend': value 'tensorrt': must be one of: vllm, sglang, trtllm, mocker"),
                Arguments.of(
                        "environment: k8s\n",
                        "field 'environment': value 'k8s': must be one of: kubernetes, virtual, global-planner"),
                Arguments.of(
                        "environment: global-planner\n",
                        "field 'global_planner_namespace': is required when environment is global-planner"),
                Arguments.of(
                        "optimization_target: cost\n",
                        "field 'optimization_target': value 'cost': must be one of: throughput, latency, load, sla"),
                Arguments.of(
                        "load_predictor: lstm\n",
                        "field 'load_predictor': value 'lstm': must be one of: constant, arima, kalman, prophet"),
                Arguments.of(
                        "fpm_sample_bucket_size: 10\n",
                        "field 'fpm_sample_bucket_size': value '10': must be a perfect square"),
                Arguments.of(
                        "load_scaling_down_sensitivity: 120\n",
                        "field 'load_scaling_down_sensitivity': value '120': must be between 0 and 100"),
                Arguments.of(
                        "optimization_target: sla\nenable_load_scaling: true\nload_adjustment_interval_seconds: 200\n",
                        "field 'load_adjustment_interval_seconds': value '200': must be shorter than throughput_adjustment_interval_seconds (180)"),
                Arguments.of(
                        "optimization_target: sla\nenable_throughput_scaling: false\n",
                        "at least one of enable_throughput_scaling and enable_load_scaling must be true"),
                Arguments.of("ttft_ms: -5\n", "field 'ttft_ms': value '-5.0': must be > 0"),
                Arguments.of("ttft_ms: fast\n", "field 'ttft_ms': value 'fast': must be a number"),
                Arguments.of(
                        "kalman_q_levl: 2.0\n", "field 'kalman_q_levl': unknown field; did you mean 'kalman_q_level'?"),
                Arguments.of(
                        "min_gpu_budget: 10\nmax_gpu_budget: 4\n",
                        "field 'min_gpu_budget': value '10': must be <= max_gpu_budget (4)"),
                Arguments.of(
                        "scheduling:\n  tick_max_duration_seconds: 0\n",
                        "field 'scheduling.tick_max_duration_seconds': value '0.0': must be > 0"),
                Arguments.of(
                        "live_dashboard_port: 70000\n",
                        "field 'live_dashboard_port': value '70000': must be between 0 and 65535"),
                Arguments.of(
                        "throughput_adjustment_interval_seconds: 1.5\n",
                        "field 'throughput_adjustment_interval_seconds'"));
    }

    @ParameterizedTest
    @MethodSource("badConfigs")
    void badConfigsNameTheFieldTheValueAndWhatIsAllowed(String yaml, String expected) {
        assertThatThrownBy(() -> parse(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("planner.yaml")
                .hasMessageContaining(expected);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> parse("mode: x\nbackend: y\nitl_ms: 0\n"))
                .isInstanceOfSatisfying(
                        ConfigException.class, e -> assertThat(e.problems()).hasSize(3));
    }

    private static PlannerConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, "planner.yaml", PlannerConfig.class);
    }
}
