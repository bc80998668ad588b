package io.fleetplan.sim.profile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.pool.config.PlannerConfig;
import io.fleetplan.pool.core.PlanningSettings;
import io.fleetplan.pool.core.PoolPlanner;
import io.fleetplan.pool.core.ReplicaState;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.pool.perf.ProfileData;
import io.fleetplan.pool.perf.ProfilePerfModel;
import io.fleetplan.pool.profile.ProfileFiles;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.pool.scaling.ThroughputReason;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineProfilerTest {

    @Test
    void sweepsTheMockerAndThePlannerSizesFromTheWrittenProfile(@TempDir Path dir) {
        EngineConfig engine = EngineConfig.builder()
                .numGpuBlocks(4096)
                .blockSize(64)
                .maxNumSeqs(64)
                .build();
        ProfileData d = new EngineProfiler(engine, 1, 64, 200)
                .run(new int[] {256, 1024, 4096}, new int[] {1024, 4096}, new double[] {0.1, 0.5, 0.9});
        // the mocker's prefill time grows with ISL (16.5 ms fixed + per-token terms): TTFT rises, tokens/s/GPU too
        assertThat(d.prefillTtft()).isSortedAccordingTo(Double::compare);
        assertThat(d.prefillThptPerGpu()[2]).isGreaterThan(d.prefillThptPerGpu()[0]);
        // its decode step grows with KV utilisation
        assertThat(d.zItl()[d.zItl().length - 1]).isGreaterThan(d.zItl()[0]);
        assertThat(d.fpm()).hasSizeLessThanOrEqualTo(200).isNotEmpty();

        Path file = dir.resolve("profile.json");
        ProfileFiles.write(d, file);
        ProfileData back = ProfileFiles.load(dir.resolve("profile.json"));
        assertThat(back.prefillIsl()).containsExactly(d.prefillIsl());
        assertThat(back.maxKvTokens()).isEqualTo(4096L * 64);
        ProfilePerfModel model = new ProfilePerfModel(back, 1, 1);
        assertThat(model.prefill(1024, 500, EngineLimits.UNKNOWN).requestsPerSecond())
                .isPositive();

        PoolPlanner planner = new PoolPlanner(
                PlanningSettings.from(ConfigLoader.parse(
                        "optimization_target: sla\nload_predictor: constant\nmax_gpu_budget: -1\n",
                        "t",
                        PlannerConfig.class)),
                back);
        planner.observeTraffic(new TrafficSample(Instant.EPOCH, 180, 1800, 1024, 64, 100, 20, 2));
        var decision = planner.tick(Instant.EPOCH, new ReplicaState(new Replicas(1, 1), false))
                .orElseThrow();
        assertThat(decision.throughputReason()).isEqualTo(ThroughputReason.SCALE);
        assertThat(decision.recommended().prefill()).isGreaterThanOrEqualTo(1);
        assertThat(decision.estimates().prefillEngineRps()).isPositive();
    }
}
