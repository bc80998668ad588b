package io.fleetplan.mocker.engine;

import io.fleetplan.common.config.ConfigKind;
import java.util.Set;

/** {@code fleetplan config validate} support for mocker engine files ({@code --extra-engine-args}). */
public final class EngineConfigKind implements ConfigKind {

    private static final Set<String> KEYS = Set.of(
            "num_gpu_blocks",
            "block_size",
            "max_num_seqs",
            "max_num_batched_tokens",
            "enable_prefix_caching",
            "enable_chunked_prefill",
            "watermark",
            "speedup_ratio",
            "decode_speedup_ratio",
            "preemption_mode",
            "disaggregation_mode",
            "kv_transfer_bandwidth",
            "kv_bytes_per_token",
            "heartbeat_interval_ms");

    @Override
    public String name() {
        return "mocker";
    }

    @Override
    public Class<?> recordType() {
        return EngineConfig.class;
    }

    @Override
    public int score(Set<String> topLevelKeys) {
        int hits = 0;
        for (String k : topLevelKeys) {
            if (KEYS.contains(k)) {
                hits++;
            }
        }
        return hits * 10;
    }

    @Override
    public String summary(Object config) {
        EngineConfig c = (EngineConfig) config;
        return "mocker engine config OK: model_name=" + c.modelName() + ", num_gpu_blocks=" + c.numGpuBlocks()
                + ", block_size=" + c.blockSize() + ", max_num_seqs=" + c.maxNumSeqs() + ", max_num_batched_tokens="
                + c.maxNumBatchedTokens() + ", disaggregation_mode=" + c.disaggregationMode() + ", speedup_ratio="
                + c.speedupRatio();
    }
}
