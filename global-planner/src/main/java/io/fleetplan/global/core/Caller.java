package io.fleetplan.global.core;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Who sent a request: a configured caller (by bearer token or client certificate) or, when no callers are
 * configured, anyone ({@link #ANYONE}).
 *
 * @param allowedTargets target patterns k8s_namespace/dgd/component this caller may scale
 * @param admin          an operator identity: sees every tenant's state and may watch any pool
 * @param namespace      the caller's configured Dynamo namespace, or null when the request's claim is used
 */
public record Caller(
        String name,
        List<String> allowedTargets,
        boolean admin,
        @Nullable String namespace) {

    /** The single tenant of a GlobalPlanner without callers: sees and may do everything, as Dynamo's. */
    public static final Caller ANYONE = new Caller("anonymous", List.of("*"), true, null);

    public Caller {
        allowedTargets = List.copyOf(allowedTargets);
    }

    public Caller(String name, List<String> allowedTargets) {
        this(name, allowedTargets, false, null);
    }

    /**
     * The scope of this caller's proposal ids and sequences in the arbiter; empty for {@link #ANYONE} (single
     * tenant: ids and sequences are global, as before callers existed).
     */
    public String tenant() {
        return isAnyone() ? "" : name;
    }

    /** Whether this is {@link #ANYONE}; a configured caller with the same fields is still a tenant of its own. */
    @SuppressWarnings("ReferenceEquality") // identity on purpose: equal fields must not make a tenant global
    public boolean isAnyone() {
        return this == ANYONE;
    }
}
