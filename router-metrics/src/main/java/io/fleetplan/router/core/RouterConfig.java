package io.fleetplan.router.core;

import io.fleetplan.common.config.ConfigChecks;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Worker-selection settings of a LocalRouter, with Dynamo's KV router names (snake_case in YAML) and defaults.
 * Null fields take the default. {@code overlap_score_weight} is the pre-1.x knob: when set, non-zero maps to
 * {@code prefill_load_scale} and 0 turns overlap off (scale 0, credit 0), as Dynamo 1.x maps it.
 *
 * @param routerMode                 "kv" (default), "round-robin" or "random"
 * @param overlapScoreCredit         prefix blocks credited per cached block (1.0)
 * @param prefillLoadScale           weight of prefill blocks against decode blocks (1.0)
 * @param overlapScoreWeight         deprecated alias, see above (null = unset)
 * @param routerTemperature          0 = argmin (default); > 0 = softmax sampling over normalised costs
 * @param useKvEvents                true = prefix index from KV events; false = approximate index of own decisions
 * @param routerTrackActiveBlocks    count decode blocks in the cost (true; off for prefill-only pools)
 * @param routerAssumeKvReuse        de-duplicate shared prefix blocks of active requests (true)
 * @param routerTrackPrefillTokens   count queued prefill tokens in the cost (true)
 * @param routerTtlSecs              approximate mode: how long a routed prefix is assumed cached (120)
 * @param blockSize                  tokens per block for hashing prompts; null = first worker's, else 64
 * @param heartbeatIntervalMs        how often workers should heartbeat (1000)
 * @param heartbeatTimeoutMs         a worker silent this long is removed (5000)
 * @param activeDecodeBlocksThreshold busy if KV usage above this fraction (null = off)
 * @param activePrefillTokensThreshold busy if queued prefill tokens above this (null = off)
 * @param maxRetries                 other workers tried when the chosen one fails before any token (2)
 * @param seed                       random seed for ties/softmax/random mode (null = time-based)
 */
public record RouterConfig(
        String routerMode,
        Double overlapScoreCredit,
        Double prefillLoadScale,
        @Nullable Double overlapScoreWeight,
        Double routerTemperature,
        Boolean useKvEvents,
        Boolean routerTrackActiveBlocks,
        Boolean routerAssumeKvReuse,
        Boolean routerTrackPrefillTokens,
        Double routerTtlSecs,
        @Nullable Integer blockSize,
        Integer heartbeatIntervalMs,
        Integer heartbeatTimeoutMs,
        @Nullable Double activeDecodeBlocksThreshold,
        @Nullable Long activePrefillTokensThreshold,
        Integer maxRetries,
        @Nullable Long seed) {

    public static final List<String> MODES = List.of("kv", "round-robin", "random");

    public RouterConfig {
        ConfigChecks c = new ConfigChecks();
        c.oneOf("router_mode", routerMode, MODES);
        c.atLeast("overlap_score_credit", overlapScoreCredit, 0);
        c.atLeast("prefill_load_scale", prefillLoadScale, 0);
        c.atLeast("overlap_score_weight", overlapScoreWeight, 0);
        c.atLeast("router_temperature", routerTemperature, 0);
        c.greaterThan("router_ttl_secs", routerTtlSecs, 0);
        c.between("block_size", blockSize, 1, 1 << 20);
        c.between("heartbeat_interval_ms", heartbeatIntervalMs, 10, 600_000);
        c.between("heartbeat_timeout_ms", heartbeatTimeoutMs, 20, 3_600_000);
        c.between("active_decode_blocks_threshold", activeDecodeBlocksThreshold, 0, 1);
        c.atLeast("active_prefill_tokens_threshold", activePrefillTokensThreshold, 0);
        c.between("max_retries", maxRetries, 0, 64);
        c.throwIfAny();
        routerMode = routerMode == null ? "kv" : routerMode;
        if (overlapScoreWeight != null) {
            if (overlapScoreWeight == 0) {
                prefillLoadScale = 0.0;
                overlapScoreCredit = 0.0;
            } else if (prefillLoadScale == null) {
                prefillLoadScale = overlapScoreWeight;
            }
        }
        overlapScoreCredit = overlapScoreCredit == null ? 1.0 : overlapScoreCredit;
        prefillLoadScale = prefillLoadScale == null ? 1.0 : prefillLoadScale;
        routerTemperature = routerTemperature == null ? 0.0 : routerTemperature;
        useKvEvents = useKvEvents == null || useKvEvents;
        routerTrackActiveBlocks = routerTrackActiveBlocks == null || routerTrackActiveBlocks;
        routerAssumeKvReuse = routerAssumeKvReuse == null || routerAssumeKvReuse;
        routerTrackPrefillTokens = routerTrackPrefillTokens == null || routerTrackPrefillTokens;
        routerTtlSecs = routerTtlSecs == null ? 120.0 : routerTtlSecs;
        heartbeatIntervalMs = heartbeatIntervalMs == null ? 1000 : heartbeatIntervalMs;
        heartbeatTimeoutMs = heartbeatTimeoutMs == null ? 5000 : heartbeatTimeoutMs;
        maxRetries = maxRetries == null ? 2 : maxRetries;
    }

    /** All defaults (Dynamo's KV mode). */
    public static RouterConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether the prefix index is consulted at all (Dynamo skips the indexer when overlap has no weight). */
    public boolean usesOverlap() {
        return "kv".equals(routerMode) && overlapScoreCredit > 0 && prefillLoadScale > 0;
    }

    /** Fluent construction for code and tests; the YAML path goes through the canonical constructor. */
    public static final class Builder {
        private @Nullable String routerMode;
        private @Nullable Double overlapScoreCredit;
        private @Nullable Double prefillLoadScale;
        private @Nullable Double routerTemperature;
        private @Nullable Boolean useKvEvents;
        private @Nullable Boolean assumeKvReuse;
        private @Nullable Boolean trackActiveBlocks;
        private @Nullable Boolean trackPrefillTokens;
        private @Nullable Double ttlSecs;
        private @Nullable Integer blockSize;
        private @Nullable Integer heartbeatTimeoutMs;
        private @Nullable Double decodeThreshold;
        private @Nullable Long prefillThreshold;
        private @Nullable Integer maxRetries;
        private @Nullable Long seed;

        public Builder mode(String v) {
            routerMode = v;
            return this;
        }

        public Builder overlapScoreCredit(double v) {
            overlapScoreCredit = v;
            return this;
        }

        public Builder prefillLoadScale(double v) {
            prefillLoadScale = v;
            return this;
        }

        public Builder temperature(double v) {
            routerTemperature = v;
            return this;
        }

        public Builder useKvEvents(boolean v) {
            useKvEvents = v;
            return this;
        }

        public Builder assumeKvReuse(boolean v) {
            assumeKvReuse = v;
            return this;
        }

        public Builder trackActiveBlocks(boolean v) {
            trackActiveBlocks = v;
            return this;
        }

        public Builder trackPrefillTokens(boolean v) {
            trackPrefillTokens = v;
            return this;
        }

        public Builder ttlSecs(double v) {
            ttlSecs = v;
            return this;
        }

        public Builder blockSize(int v) {
            blockSize = v;
            return this;
        }

        public Builder heartbeatTimeoutMs(int v) {
            heartbeatTimeoutMs = v;
            return this;
        }

        public Builder activeDecodeBlocksThreshold(double v) {
            decodeThreshold = v;
            return this;
        }

        public Builder activePrefillTokensThreshold(long v) {
            prefillThreshold = v;
            return this;
        }

        public Builder maxRetries(int v) {
            maxRetries = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        // null = the default, which the compact constructor puts in where the component is not @Nullable
        @SuppressWarnings("NullAway")
        public RouterConfig build() {
            return new RouterConfig(
                    routerMode,
                    overlapScoreCredit,
                    prefillLoadScale,
                    null,
                    routerTemperature,
                    useKvEvents,
                    trackActiveBlocks,
                    assumeKvReuse,
                    trackPrefillTokens,
                    ttlSecs,
                    blockSize,
                    null,
                    heartbeatTimeoutMs,
                    decodeThreshold,
                    prefillThreshold,
                    maxRetries,
                    seed);
        }
    }
}
