package io.fleetplan.router.global;

import io.fleetplan.common.config.ConfigChecks;
import io.fleetplan.common.config.ConfigDoc;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Dynamo GlobalRouter config (components/src/dynamo/global_router), same field names. {@code mode} "disagg"
 * (default) uses the prefill and decode pools and grids; "agg" the aggregated ones. Priorities: lower = faster
 * pool; default = the pool's index. {@code default_ttft_target} / {@code default_itl_target} (ms) stand in for
 * Dynamo's --default-ttft-target / --default-itl-target flags; without them the middle of the grid's range is
 * used. {@code enforce_disagg} (fleetplan's name for DYN_ENFORCE_DISAGG): when no prefill pool is ready, fail
 * instead of serving decode-only.
 */
public record GlobalRouterConfig(
        @ConfigDoc(value = "disagg (prefill and decode pools) or agg (aggregated pools).", shownDefault = "`disagg`")
        String mode,

        @ConfigDoc(value = "Number of prefill pools.", shownDefault = "required (disagg)") @Nullable
        Integer numPrefillPools,

        @ConfigDoc(value = "Number of decode pools.", shownDefault = "required (disagg)") @Nullable
        Integer numDecodePools,

        @ConfigDoc(value = "Dynamo namespace of each prefill pool, by index.", shownDefault = "required (disagg)")
        @Nullable
        List<String> prefillPoolDynamoNamespaces,

        @ConfigDoc(value = "Dynamo namespace of each decode pool, by index.", shownDefault = "required (disagg)")
        @Nullable
        List<String> decodePoolDynamoNamespaces,

        @ConfigDoc(value = "Priority of each prefill pool (lower = faster pool).", shownDefault = "pool index")
        @Nullable
        List<Integer> prefillPoolPriorities,

        @ConfigDoc(value = "Priority of each decode pool (lower = faster pool).", shownDefault = "pool index") @Nullable
        List<Integer> decodePoolPriorities,

        @ConfigDoc("When a pool fails before anything is streamed, retry progressively faster pools (prefill and "
                + "decode independently).")
        Boolean enablePriorityRetry,

        @ConfigDoc(
                value = "Grid: prompt length (tokens) x TTFT target (ms) -> prefill pool index.",
                shownDefault = "required (disagg)")
        @Nullable
        PrefillStrategy prefillPoolSelectionStrategy,

        @ConfigDoc(
                value = "Grid: context length (tokens) x ITL target (ms) -> decode pool index.",
                shownDefault = "required (disagg)")
        @Nullable
        DecodeStrategy decodePoolSelectionStrategy,

        @ConfigDoc(value = "Number of aggregated pools.", shownDefault = "required (agg)") @Nullable
        Integer numAggPools,

        @ConfigDoc(value = "Dynamo namespace of each aggregated pool, by index.", shownDefault = "required (agg)")
        @Nullable
        List<String> aggPoolDynamoNamespaces,

        @ConfigDoc(value = "Priority of each aggregated pool (lower = faster pool).", shownDefault = "pool index")
        @Nullable
        List<Integer> aggPoolPriorities,

        @ConfigDoc(
                value = "Grid: TTFT target (ms) x ITL target (ms) -> aggregated pool index.",
                shownDefault = "required (agg)")
        @Nullable
        AggStrategy aggPoolSelectionStrategy,

        @ConfigDoc(
                value = "TTFT target (ms) of a request that names none (Dynamo's --default-ttft-target).",
                shownDefault = "middle of the grid's range")
        @Nullable
        Double defaultTtftTarget,

        @ConfigDoc(
                value = "ITL target (ms) of a request that names none (Dynamo's --default-itl-target).",
                shownDefault = "middle of the grid's range")
        @Nullable
        Double defaultItlTarget,

        @ConfigDoc("fleetplan's name for DYN_ENFORCE_DISAGG: with no prefill pool ready, fail instead of serving "
                + "decode-only.")
        Boolean enforceDisagg) {

    public static final List<String> MODES = List.of("disagg", "agg");

    public GlobalRouterConfig {
        ConfigChecks c = new ConfigChecks();
        c.oneOf("mode", mode, MODES);
        mode = mode == null ? "disagg" : mode;
        if (mode.equals("disagg")) {
            prefillPoolPriorities =
                    pools(c, "prefill", numPrefillPools, prefillPoolDynamoNamespaces, prefillPoolPriorities);
            decodePoolPriorities = pools(c, "decode", numDecodePools, decodePoolDynamoNamespaces, decodePoolPriorities);
            c.check(
                    prefillPoolSelectionStrategy != null,
                    "prefill_pool_selection_strategy",
                    null,
                    "is required in disagg mode");
            c.check(
                    decodePoolSelectionStrategy != null,
                    "decode_pool_selection_strategy",
                    null,
                    "is required in disagg mode");
            checkIndexes(
                    c,
                    "prefill_pool_selection_strategy",
                    prefillPoolSelectionStrategy == null ? null : prefillPoolSelectionStrategy.grid(),
                    numPrefillPools);
            checkIndexes(
                    c,
                    "decode_pool_selection_strategy",
                    decodePoolSelectionStrategy == null ? null : decodePoolSelectionStrategy.grid(),
                    numDecodePools);
        } else {
            aggPoolPriorities = pools(c, "agg", numAggPools, aggPoolDynamoNamespaces, aggPoolPriorities);
            c.check(aggPoolSelectionStrategy != null, "agg_pool_selection_strategy", null, "is required in agg mode");
            checkIndexes(
                    c,
                    "agg_pool_selection_strategy",
                    aggPoolSelectionStrategy == null ? null : aggPoolSelectionStrategy.grid(),
                    numAggPools);
        }
        c.greaterThan("default_ttft_target", defaultTtftTarget, 0);
        c.greaterThan("default_itl_target", defaultItlTarget, 0);
        c.throwIfAny();
        enablePriorityRetry = enablePriorityRetry != null && enablePriorityRetry;
        enforceDisagg = enforceDisagg != null && enforceDisagg;
    }

    private static @Nullable List<Integer> pools(
            ConfigChecks c,
            String kind,
            @Nullable Integer count,
            @Nullable List<String> namespaces,
            @Nullable List<Integer> priorities) {
        String countField = "num_" + kind + "_pools";
        String nsField = kind + "_pool_dynamo_namespaces";
        c.check(count != null, countField, null, "is required in this mode");
        c.atLeast(countField, count, 1);
        c.check(namespaces != null, nsField, null, "is required in this mode");
        if (count != null && namespaces != null) {
            c.check(
                    namespaces.size() == count,
                    nsField,
                    namespaces.size() + " entries",
                    "must have " + countField + " = " + count + " entries");
            c.check(
                    namespaces.stream().noneMatch(s -> s == null || s.isBlank()),
                    nsField,
                    namespaces,
                    "must not contain empty names");
            c.check(
                    namespaces.stream().distinct().count() == namespaces.size(),
                    nsField,
                    namespaces,
                    "must not repeat a namespace");
        }
        if (priorities != null && count != null) {
            c.check(
                    priorities.size() == count,
                    kind + "_pool_priorities",
                    priorities.size() + " entries",
                    "must have " + countField + " = " + count + " entries");
        }
        if (priorities == null && count != null && count > 0) {
            Integer[] byIndex = new Integer[count];
            for (int i = 0; i < count; i++) {
                byIndex[i] = i;
            }
            return List.of(byIndex);
        }
        return priorities;
    }

    private static void checkIndexes(ConfigChecks c, String field, @Nullable Grid grid, @Nullable Integer count) {
        if (grid != null && count != null && grid.maxPoolIndex() >= count) {
            c.problem(field, grid.maxPoolIndex(), "pool indexes must be < " + count + " (the number of pools)");
        }
    }

    public boolean disaggregated() {
        return mode.equals("disagg");
    }

    /** Every pool namespace this config routes to. */
    public List<String> allPools() {
        return disaggregated()
                ? Stream.concat(
                                validated(prefillPoolDynamoNamespaces).stream(),
                                validated(decodePoolDynamoNamespaces).stream())
                        .distinct()
                        .toList()
                : validated(aggPoolDynamoNamespaces);
    }

    /** A field of the configured mode: the constructor refused the config if it was missing. */
    static <T> T validated(@Nullable T value) {
        return Objects.requireNonNull(value, "a field the constructor requires in this mode");
    }

    /** A one-pool aggregated config (no grid choice), for a Frontend in front of a single LocalRouter. */
    public static GlobalRouterConfig singleAggPool(String namespace) {
        return aggPools(List.of(namespace), null);
    }

    /**
     * Aggregated pools with no grid choice: a one-cell grid sends every request to pool 0, and the others serve when
     * it has no ready worker, by priority (null = by index).
     */
    public static GlobalRouterConfig aggPools(List<String> namespaces, @Nullable List<Integer> priorities) {
        AggStrategy oneCell = new AggStrategy(0.0, 1.0, 1, 0.0, 1.0, 1, List.of(List.of(0)), List.of());
        return new GlobalRouterConfig(
                "agg",
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                null,
                null,
                namespaces.size(),
                namespaces,
                priorities,
                oneCell,
                null,
                null,
                false);
    }

    /** Prefill and decode pools chosen by the given grids (priorities null = by index). */
    public static GlobalRouterConfig disagg(
            List<String> prefillNamespaces,
            List<String> decodeNamespaces,
            @Nullable List<Integer> prefillPriorities,
            @Nullable List<Integer> decodePriorities,
            PrefillStrategy prefill,
            DecodeStrategy decode,
            boolean enforceDisagg) {
        return new GlobalRouterConfig(
                "disagg",
                prefillNamespaces.size(),
                decodeNamespaces.size(),
                prefillNamespaces,
                decodeNamespaces,
                prefillPriorities,
                decodePriorities,
                false,
                prefill,
                decode,
                null,
                null,
                null,
                null,
                null,
                null,
                enforceDisagg);
    }
}
