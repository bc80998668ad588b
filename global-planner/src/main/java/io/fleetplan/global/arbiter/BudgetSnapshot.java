package io.fleetplan.global.arbiter;

/**
 * The budget after a decision.
 *
 * @param committedGpus       GPUs held: per target, GPUs per replica x max(granted, still running)
 * @param inFlightReleaseGpus GPUs of scale-downs the executor has not confirmed (part of committed)
 * @param freeGpus            max - committed (never below 0); -1 when there is no ceiling
 */
public record BudgetSnapshot(
        int maxTotalGpus, int minTotalGpus, int committedGpus, int inFlightReleaseGpus, int freeGpus) {}
