package io.fleetplan.global.core;

import io.fleetplan.global.arbiter.TargetKey;
import java.util.List;
import java.util.Optional;

/**
 * Whether a caller may scale a proposal's targets, checked by the core once the arbiter has resolved them (the
 * resolved target is authorized, not the caller's claim); the service's {@code Authorizer} decides from its
 * configured callers.
 */
public interface TargetAuthorization {

    /** The denial message for the first target {@code caller} may not scale, or empty. */
    Optional<String> checkTargets(Caller caller, List<TargetKey> targets);
}
