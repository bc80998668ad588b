package io.fleetplan.mocker.engine;

import java.util.Arrays;
import java.util.List;

/** What part of serving a worker does (Dynamo's {@code --disaggregation-mode}). */
public enum Role {
    /** Prefill and decode on the same engine. */
    AGGREGATED("agg"),
    /** Prefill only: emits exactly one token, then hands the KV cache to a decode worker. */
    PREFILL("prefill"),
    /** Decode only: the prompt's KV arrives by transfer, so no prefill time is charged. */
    DECODE("decode");

    private final String flag;

    Role(String flag) {
        this.flag = flag;
    }

    /** The value used on the command line and in config files. */
    public String flag() {
        return flag;
    }

    public static List<String> flags() {
        return Arrays.stream(values()).map(Role::flag).toList();
    }

    /** Parses {@code agg|prefill|decode} (also the enum names, case-insensitive). */
    public static Role parse(String value) {
        for (Role r : values()) {
            if (r.flag.equalsIgnoreCase(value) || r.name().equalsIgnoreCase(value)) {
                return r;
            }
        }
        throw new IllegalArgumentException("disaggregation_mode '" + value + "' must be one of " + flags());
    }
}
