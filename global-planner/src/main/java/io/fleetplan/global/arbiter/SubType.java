package io.fleetplan.global.arbiter;

import java.util.Locale;

/** Which half of a disaggregated deployment a component serves (Dynamo's sub_component_type). */
public enum SubType {
    PREFILL("prefill"), DECODE("decode"), AGGREGATED("agg");

    private final String wireName;

    SubType(String wireName) {
        this.wireName = wireName;
    }

    /** Dynamo's name ("prefill", "decode"; "agg" for an aggregated worker), used as the current_replicas key. */
    public String wireName() {
        return wireName;
    }

    /** Parses prefill, decode or agg (also aggregated, worker), case-insensitively. */
    public static SubType parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "prefill" -> PREFILL;
            case "decode" -> DECODE;
            case "agg", "aggregated", "worker" -> AGGREGATED;
            default -> throw new IllegalArgumentException("sub component type must be prefill, decode or agg, was '" + s + "'");
        };
    }
}
