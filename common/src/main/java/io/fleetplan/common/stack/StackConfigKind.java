package io.fleetplan.common.stack;

import io.fleetplan.common.config.ConfigKind;
import java.util.Set;

/** The {@code stack} config kind: {@code fleetplan up --config} and {@code fleetplan replay --config}. */
public final class StackConfigKind implements ConfigKind {

    @Override
    public String name() {
        return "stack";
    }

    @Override
    public Class<?> recordType() {
        return StackConfig.class;
    }

    @Override
    public int score(Set<String> keys) {
        int s = 0;
        for (String k : keys) {
            if (Set.of("pools", "budget", "slo", "worker_startup_seconds", "drain_grace_seconds", "ports")
                    .contains(k)) {
                s += 15;
            }
        }
        return s;
    }

    @Override
    public String summary(Object config) {
        StackConfig c = (StackConfig) config;
        return "stack config OK: " + c.pools().size() + " pools ("
                + String.join(
                        ", ",
                        c.pools().stream()
                                .map(p -> p.name() + "/" + p.mode() + " " + p.minReplicas() + ".." + p.maxReplicas()
                                        + " x " + p.gpusPerReplica() + " GPU")
                                .toList())
                + "), max_total_gpus=" + c.budget().maxTotalGpus()
                + ", ttft_ms=" + c.slo().ttftMs() + ", itl_ms=" + c.slo().itlMs();
    }
}
