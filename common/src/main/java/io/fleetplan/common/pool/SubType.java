package io.fleetplan.common.pool;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Which half of a disaggregated deployment a component serves (Dynamo's sub_component_type). The one mapping
 * between the pool planners, the GlobalPlanner and the replay: each carries its number in the
 * {@code fleetplan.v1.SubComponentType} wire enum, so the wire mappers convert by number and hold no table of
 * their own.
 */
public enum SubType {
    PREFILL("prefill", 1),
    DECODE("decode", 2),
    AGGREGATED("agg", 3);

    private final String wireName;
    private final int wireNumber;

    SubType(String wireName, int wireNumber) {
        this.wireName = wireName;
        this.wireNumber = wireNumber;
    }

    /** Dynamo's name ("prefill", "decode"; "agg" for an aggregated worker), used as the current_replicas key. */
    public String wireName() {
        return wireName;
    }

    /** The value's number in {@code fleetplan.v1.SubComponentType}. */
    public int wireNumber() {
        return wireNumber;
    }

    /**
     * The value whose {@code fleetplan.v1.SubComponentType} number is {@code n}; null for UNSPECIFIED (0) or a
     * number this build does not know.
     */
    public static @Nullable SubType ofWireNumber(int n) {
        for (SubType t : values()) {
            if (t.wireNumber == n) {
                return t;
            }
        }
        return null;
    }

    /**
     * True for the component a pool counts in the prefill slot of its replicas; decode and aggregated engines
     * count in the decode slot (an aggregated pool scales its engines where a disaggregated one scales decode).
     */
    public boolean prefillSlot() {
        return this == PREFILL;
    }

    /** Parses prefill, decode or agg (also aggregated, worker), case-insensitively. */
    public static SubType parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "prefill" -> PREFILL;
            case "decode" -> DECODE;
            case "agg", "aggregated", "worker" -> AGGREGATED;
            default ->
                throw new IllegalArgumentException(
                        "sub component type must be prefill, decode or agg, was '" + s + "'");
        };
    }
}
