package io.fleetplan.mocker.engine;

/**
 * The prefill-to-decode handoff of a disaggregated request. A prefill worker produces it (in
 * {@link Completion#handoff()}); a decode worker receives it in {@link EngineRequest#handoff()} and then skips
 * prefill, its output continuing at index 1 after the prefill worker's token.
 *
 * @param prefillWorkerId worker that computed the KV (may be empty inside a single engine)
 * @param transferredTokens prompt tokens whose KV was transferred
 * @param transferMs modelled transfer time, ms
 * @param firstTokenId the token the prefill worker produced
 */
public record KvHandoff(String prefillWorkerId, int transferredTokens, double transferMs, int firstTokenId) {}
