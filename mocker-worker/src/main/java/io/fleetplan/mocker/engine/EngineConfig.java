package io.fleetplan.mocker.engine;

import io.fleetplan.common.config.ConfigChecks;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Engine settings, named after Dynamo mocker's {@code MockEngineArgs} (snake_case in JSON/YAML, e.g. an
 * {@code --extra-engine-args} file). Every field is optional; null takes Dynamo's default.
 *
 * @param modelName served model name (requests naming another model are refused)
 * @param numGpuBlocks KV blocks (Dynamo: {@code --num-gpu-blocks-override}), default 16384
 * @param blockSize tokens per KV block, default 64
 * @param maxNumSeqs max running sequences, default 256
 * @param maxNumBatchedTokens per-iteration token budget, default 8192
 * @param enablePrefixCaching reuse KV blocks by chained hash, default true
 * @param enableChunkedPrefill split long prompts across iterations, default true
 * @param watermark fraction of KV blocks kept free at admission, default 0.01
 * @param speedupRatio divides all simulated time; {@code Infinity} = no waiting at all, default 1
 * @param decodeSpeedupRatio extra divisor for decode time only (speculative decoding), default 1
 * @param preemptionMode {@code lifo} (newest running request is evicted, default) or {@code fifo}
 * @param disaggregationMode {@code agg} (default), {@code prefill} or {@code decode}
 * @param kvTransferBandwidth prefill-to-decode KV transfer bandwidth in GB/s (1e9 bytes/s); 0 disables
 *     the delay; default 64
 * @param kvBytesPerToken KV bytes per token; null = computed from {@code model}
 * @param model model architecture used for {@code kvBytesPerToken}
 * @param dpRank data-parallel rank reported in events, default 0
 * @param heartbeatIntervalMs idle heartbeat period in ms, default 1000; 0 disables
 * @param plannerProfileData profile file or directory whose measured times replace the polynomial timing model
 *     (Dynamo: {@code --planner-profile-data}; see {@code io.fleetplan.mocker.profile.ProfileTables}); null = polynomial
 */
public record EngineConfig(
        String modelName,
        Integer numGpuBlocks,
        Integer blockSize,
        Integer maxNumSeqs,
        Integer maxNumBatchedTokens,
        Boolean enablePrefixCaching,
        Boolean enableChunkedPrefill,
        Double watermark,
        Double speedupRatio,
        Double decodeSpeedupRatio,
        String preemptionMode,
        String disaggregationMode,
        Double kvTransferBandwidth,
        Long kvBytesPerToken,
        ModelSpec model,
        Integer dpRank,
        Integer heartbeatIntervalMs,
        String plannerProfileData) {

    public static final List<String> PREEMPTION_MODES = List.of("lifo", "fifo");

    public EngineConfig {
        modelName = modelName == null ? "mock-model" : modelName;
        numGpuBlocks = numGpuBlocks == null ? 16384 : numGpuBlocks;
        blockSize = blockSize == null ? 64 : blockSize;
        maxNumSeqs = maxNumSeqs == null ? 256 : maxNumSeqs;
        maxNumBatchedTokens = maxNumBatchedTokens == null ? 8192 : maxNumBatchedTokens;
        enablePrefixCaching = enablePrefixCaching == null || enablePrefixCaching;
        enableChunkedPrefill = enableChunkedPrefill == null || enableChunkedPrefill;
        watermark = watermark == null ? 0.01 : watermark;
        speedupRatio = speedupRatio == null ? 1.0 : speedupRatio;
        decodeSpeedupRatio = decodeSpeedupRatio == null ? 1.0 : decodeSpeedupRatio;
        preemptionMode = preemptionMode == null ? "lifo" : preemptionMode;
        disaggregationMode = disaggregationMode == null ? "agg" : disaggregationMode;
        kvTransferBandwidth = kvTransferBandwidth == null ? 64.0 : kvTransferBandwidth;
        model = model == null ? ModelSpec.defaults() : model;
        kvBytesPerToken = kvBytesPerToken == null ? model.kvBytesPerToken() : kvBytesPerToken;
        dpRank = dpRank == null ? 0 : dpRank;
        heartbeatIntervalMs = heartbeatIntervalMs == null ? 1000 : heartbeatIntervalMs;
        new ConfigChecks()
                .notBlank("model_name", modelName)
                .between("num_gpu_blocks", numGpuBlocks, 1, 1 << 28)
                .between("block_size", blockSize, 1, 1 << 16)
                .between("max_num_seqs", maxNumSeqs, 1, 1 << 20)
                .between("max_num_batched_tokens", maxNumBatchedTokens, 1, 1 << 30)
                .between("watermark", watermark, 0.0, 0.99)
                .greaterThan("speedup_ratio", speedupRatio, 0.0)
                .greaterThan("decode_speedup_ratio", decodeSpeedupRatio, 0.0)
                .oneOf("preemption_mode", preemptionMode, PREEMPTION_MODES)
                .oneOf("disaggregation_mode", disaggregationMode, Role.flags())
                .atLeast("kv_transfer_bandwidth", kvTransferBandwidth, 0.0)
                .atLeast("kv_bytes_per_token", kvBytesPerToken, 0)
                .atLeast("dp_rank", dpRank, 0)
                .atLeast("heartbeat_interval_ms", heartbeatIntervalMs, 0)
                .check(
                        plannerProfileData == null || !plannerProfileData.isBlank(),
                        "planner_profile_data",
                        plannerProfileData,
                        "must name a profile file or directory when set")
                // every running sequence decodes one token per iteration; a smaller budget would starve some
                .check(
                        maxNumBatchedTokens >= maxNumSeqs,
                        "max_num_batched_tokens",
                        maxNumBatchedTokens,
                        "must be >= max_num_seqs (" + maxNumSeqs + ")")
                .throwIfAny();
    }

    /** Dynamo mocker defaults throughout. */
    public static EngineConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.modelName = modelName;
        b.numGpuBlocks = numGpuBlocks;
        b.blockSize = blockSize;
        b.maxNumSeqs = maxNumSeqs;
        b.maxNumBatchedTokens = maxNumBatchedTokens;
        b.enablePrefixCaching = enablePrefixCaching;
        b.enableChunkedPrefill = enableChunkedPrefill;
        b.watermark = watermark;
        b.speedupRatio = speedupRatio;
        b.decodeSpeedupRatio = decodeSpeedupRatio;
        b.preemptionMode = preemptionMode;
        b.disaggregationMode = disaggregationMode;
        b.kvTransferBandwidth = kvTransferBandwidth;
        b.kvBytesPerToken = kvBytesPerToken;
        b.model = model;
        b.dpRank = dpRank;
        b.heartbeatIntervalMs = heartbeatIntervalMs;
        b.plannerProfileData = plannerProfileData;
        return b;
    }

    public Role role() {
        return Role.parse(disaggregationMode);
    }

    /** Largest number of blocks admission lets the engine hold: {@code floor((1 - watermark) x blocks)}. */
    public int admissibleBlocks() {
        return (int) Math.floor((1.0 - watermark) * numGpuBlocks);
    }

    /** Modelled prefill-to-decode transfer time of {@code tokens} tokens, ms (0 when bandwidth is 0). */
    public double kvTransferMs(long tokens) {
        if (kvTransferBandwidth <= 0) {
            return 0;
        }
        return tokens * (double) kvBytesPerToken / (kvTransferBandwidth * 1e9) * 1e3;
    }

    /** Fluent construction for code and tests; unset fields take the defaults. */
    public static final class Builder {
        private @Nullable String modelName;
        private @Nullable Integer numGpuBlocks;
        private @Nullable Integer blockSize;
        private @Nullable Integer maxNumSeqs;
        private @Nullable Integer maxNumBatchedTokens;
        private @Nullable Boolean enablePrefixCaching;
        private @Nullable Boolean enableChunkedPrefill;
        private @Nullable Double watermark;
        private @Nullable Double speedupRatio;
        private @Nullable Double decodeSpeedupRatio;
        private @Nullable String preemptionMode;
        private @Nullable String disaggregationMode;
        private @Nullable Double kvTransferBandwidth;
        private @Nullable Long kvBytesPerToken;
        private @Nullable ModelSpec model;
        private @Nullable Integer dpRank;
        private @Nullable Integer heartbeatIntervalMs;
        private @Nullable String plannerProfileData;

        public Builder modelName(String v) {
            modelName = v;
            return this;
        }

        public Builder numGpuBlocks(int v) {
            numGpuBlocks = v;
            return this;
        }

        public Builder blockSize(int v) {
            blockSize = v;
            return this;
        }

        public Builder maxNumSeqs(int v) {
            maxNumSeqs = v;
            return this;
        }

        public Builder maxNumBatchedTokens(int v) {
            maxNumBatchedTokens = v;
            return this;
        }

        public Builder enablePrefixCaching(boolean v) {
            enablePrefixCaching = v;
            return this;
        }

        public Builder enableChunkedPrefill(boolean v) {
            enableChunkedPrefill = v;
            return this;
        }

        public Builder watermark(double v) {
            watermark = v;
            return this;
        }

        public Builder speedupRatio(double v) {
            speedupRatio = v;
            return this;
        }

        public Builder decodeSpeedupRatio(double v) {
            decodeSpeedupRatio = v;
            return this;
        }

        public Builder preemptionMode(String v) {
            preemptionMode = v;
            return this;
        }

        public Builder role(Role v) {
            disaggregationMode = v.flag();
            return this;
        }

        public Builder disaggregationMode(String v) {
            disaggregationMode = v;
            return this;
        }

        public Builder kvTransferBandwidth(double v) {
            kvTransferBandwidth = v;
            return this;
        }

        public Builder kvBytesPerToken(long v) {
            kvBytesPerToken = v;
            return this;
        }

        public Builder model(ModelSpec v) {
            model = v;
            return this;
        }

        public Builder dpRank(int v) {
            dpRank = v;
            return this;
        }

        public Builder heartbeatIntervalMs(int v) {
            heartbeatIntervalMs = v;
            return this;
        }

        public Builder plannerProfileData(String v) {
            plannerProfileData = v;
            return this;
        }

        // null = the default, which the compact constructor puts in: the record's components are never null
        @SuppressWarnings("NullAway")
        public EngineConfig build() {
            return new EngineConfig(
                    modelName,
                    numGpuBlocks,
                    blockSize,
                    maxNumSeqs,
                    maxNumBatchedTokens,
                    enablePrefixCaching,
                    enableChunkedPrefill,
                    watermark,
                    speedupRatio,
                    decodeSpeedupRatio,
                    preemptionMode,
                    disaggregationMode,
                    kvTransferBandwidth,
                    kvBytesPerToken,
                    model,
                    dpRank,
                    heartbeatIntervalMs,
                    plannerProfileData);
        }
    }
}
