package io.fleetplan.mocker.engine;

import io.fleetplan.common.config.ConfigChecks;

/**
 * The few model-architecture numbers the mocker needs: KV bytes per token, used for the prefill-to-decode
 * transfer time. Defaults describe Llama-3.1-8B in bf16 (32 layers, 8 KV heads, head dim 128, 2 bytes),
 * i.e. 131072 bytes per token.
 *
 * @param numLayers transformer layers
 * @param numKvHeads key/value heads (GQA)
 * @param headDim dimension per head
 * @param dtypeBytes bytes per KV element (2 for fp16/bf16, 1 for fp8)
 */
public record ModelSpec(Integer numLayers, Integer numKvHeads, Integer headDim, Integer dtypeBytes) {

    public ModelSpec {
        numLayers = numLayers == null ? 32 : numLayers;
        numKvHeads = numKvHeads == null ? 8 : numKvHeads;
        headDim = headDim == null ? 128 : headDim;
        dtypeBytes = dtypeBytes == null ? 2 : dtypeBytes;
        new ConfigChecks()
                .atLeast("num_layers", numLayers, 1)
                .atLeast("num_kv_heads", numKvHeads, 1)
                .atLeast("head_dim", headDim, 1)
                .between("dtype_bytes", dtypeBytes, 1, 8)
                .throwIfAny();
    }

    // null = the default, which the compact constructor puts in: the record's components are never null
    @SuppressWarnings("NullAway")
    public static ModelSpec defaults() {
        return new ModelSpec(null, null, null, null);
    }

    /** layers x 2 (K and V) x kv_heads x head_dim x dtype bytes, as Dynamo's mocker computes it. */
    public long kvBytesPerToken() {
        return (long) numLayers * 2L * numKvHeads * headDim * dtypeBytes;
    }
}
