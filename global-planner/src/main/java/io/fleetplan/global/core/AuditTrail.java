package io.fleetplan.global.core;

import io.fleetplan.global.arbiter.Decision;

/**
 * Where the core records each decision for operators (the service's JSON-lines audit log). Called on the arbiter's
 * thread; {@link #flush} ends a batch, and no answer of the batch is sent before it returns.
 */
public interface AuditTrail {

    /** @param kind "proposal" or "push"; {@code caller} who caused it, {@code callerNamespace} their claim */
    void decision(String kind, Decision d, String caller, String callerNamespace);

    /** Hands the batch's lines to the operating system. */
    void flush();
}
