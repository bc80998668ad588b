package io.fleetplan.pool.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigKind;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code planner} config kind. Besides a bare PlannerConfig file, it accepts a Dynamo
 * DynamoGraphDeploymentRequest (or its spec) and reads the {@code features.planner} section, so the file a
 * Dynamo user already has validates unchanged.
 */
public final class PlannerConfigKind implements ConfigKind {

    private static final Set<String> SIGNATURE = Set.of(
            "optimization_target",
            "throughput_adjustment_interval_seconds",
            "load_adjustment_interval_seconds",
            "ttft_ms",
            "itl_ms",
            "load_predictor",
            "min_endpoint",
            "max_gpu_budget",
            "throughput_metrics_source",
            "enable_load_scaling",
            "enable_throughput_scaling",
            "mode",
            "backend",
            "advisory",
            "kalman_q_level",
            "global_planner_namespace",
            "adjustment_interval",
            "ttft",
            "itl");

    @Override
    public String name() {
        return "planner";
    }

    @Override
    public Class<?> recordType() {
        return PlannerConfig.class;
    }

    @Override
    public int score(Set<String> topLevelKeys) {
        if (topLevelKeys.contains("features") || (topLevelKeys.contains("spec") && topLevelKeys.contains("kind"))) {
            return 5;
        }
        return (int) topLevelKeys.stream().filter(SIGNATURE::contains).count() * 10;
    }

    @Override
    public Object load(Path file) {
        return read(file);
    }

    /** Reads a PlannerConfig file, or the features.planner section of a DGDR. */
    public static PlannerConfig read(Path file) {
        String text = ConfigLoader.read(file);
        JsonNode root;
        try {
            root = ConfigLoader.yamlMapper().readTree(text);
        } catch (IOException e) {
            // let the loader produce its precise message (syntax error with line)
            return ConfigLoader.parse(text, file.toString(), PlannerConfig.class);
        }
        JsonNode section = root == null ? null : root.at("/spec/features/planner");
        if (section == null || section.isMissingNode()) {
            section = root == null ? null : root.at("/features/planner");
        }
        if (section != null && !section.isMissingNode()) {
            if (!section.isObject()) {
                throw new ConfigException(new ConfigProblem(
                        file.toString(),
                        0,
                        "features.planner",
                        section.toString(),
                        "must be a mapping of PlannerConfig fields"));
            }
            return PlannerPresets.convert(section, file.toString());
        }
        if (root != null && root.isObject() && root.has("preset")) {
            return PlannerPresets.convert(root, file.toString());
        }
        return ConfigLoader.parse(text, file.toString(), PlannerConfig.class);
    }

    @Override
    public String summary(Object config) {
        PlannerConfig c = (PlannerConfig) config;
        return "planner config OK: mode=" + c.mode() + ", backend=" + c.backend() + ", environment=" + c.environment()
                + ", optimization_target=" + c.optimizationTarget()
                + ", throughput_scaling=" + c.enableThroughputScaling() + " (every "
                + c.throughputAdjustmentIntervalSeconds() + " s)"
                + ", load_scaling=" + c.enableLoadScaling() + " (every " + c.loadAdjustmentIntervalSeconds() + " s)"
                + ", ttft_ms=" + c.ttftMs() + ", itl_ms=" + c.itlMs() + ", predictor=" + c.loadPredictor()
                + ", max_gpu_budget=" + c.maxGpuBudget() + (c.advisory() ? ", advisory" : "")
                + (c.preset().equals(PlannerPresets.NONE) ? "" : ", preset=" + c.preset());
    }
}
