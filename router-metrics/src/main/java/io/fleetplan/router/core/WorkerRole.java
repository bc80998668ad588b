package io.fleetplan.router.core;

/** What a worker serves; mirrors Dynamo's worker_type label ("prefill", "decode") plus aggregated. */
public enum WorkerRole {
    AGGREGATED("decode"),
    PREFILL("prefill"),
    DECODE("decode");

    private final String workerType;

    WorkerRole(String workerType) {
        this.workerType = workerType;
    }

    /**
     * The {@code worker_type} label value Dynamo uses: aggregated workers run decode (Dynamo labels them
     * "decode"), so only prefill-only workers are "prefill".
     */
    public String workerType() {
        return workerType;
    }
}
