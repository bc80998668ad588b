package io.fleetplan.global.service;

import io.fleetplan.global.arbiter.Echo;
import io.fleetplan.global.arbiter.PrioritySelectors;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.global.core.Caller;
import io.fleetplan.global.core.TargetAuthorization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Maps credentials to a {@link Caller} and decides what it may scale. Two checks, both must pass: Dynamo's
 * {@code managed_namespaces} allowlist on the self-declared caller_namespace, and (when callers are configured)
 * the resolved targets against the caller's allowed patterns; the target is authorized, not the caller's claim.
 */
public final class Authorizer implements TargetAuthorization {

    private final List<String> managedNamespaces;
    private final List<GlobalPlannerConfig.Caller> callers;

    public Authorizer(List<String> managedNamespaces, List<GlobalPlannerConfig.Caller> callers) {
        this.managedNamespaces = managedNamespaces;
        this.callers = List.copyOf(callers);
    }

    public static Authorizer from(GlobalPlannerConfig c) {
        return new Authorizer(c.managedNamespaces(), c.callers());
    }

    public boolean identitiesRequired() {
        return !callers.isEmpty();
    }

    /** The caller these credentials identify; {@link Caller#ANYONE} when no callers are configured. */
    public Optional<Caller> identify(Credentials creds) {
        if (callers.isEmpty()) {
            return Optional.of(Caller.ANYONE);
        }
        String hash = creds.bearerToken() == null ? null : sha256(creds.bearerToken());
        for (GlobalPlannerConfig.Caller c : callers) {
            boolean byToken = hash != null
                    && c.bearerTokenSha256() != null
                    && MessageDigest.isEqual(
                            hash.getBytes(StandardCharsets.US_ASCII),
                            c.bearerTokenSha256().getBytes(StandardCharsets.US_ASCII));
            boolean byCert = creds.certificateNames().stream().anyMatch(c.certificateNames()::contains);
            if (byToken || byCert) {
                return Optional.of(new Caller(c.name(), c.allowedTargets(), c.admin(), c.callerNamespace()));
            }
        }
        return Optional.empty();
    }

    /** Dynamo's allowlist; null = every namespace. Returns the denial message, or empty when allowed. */
    public Optional<String> checkNamespace(String callerNamespace) {
        if (managedNamespaces == null || managedNamespaces.contains(callerNamespace)) {
            return Optional.empty();
        }
        return Optional.of("Namespace " + Echo.of(callerNamespace)
                + " not authorized (caller_namespace is not in managed_namespaces)");
    }

    /**
     * The namespace check for an identified caller: one with a configured namespace is that namespace, whatever
     * the request's caller_namespace says (a claim of another one is refused); the allowlist is checked on it.
     */
    public Optional<String> checkNamespace(Caller caller, String requested) {
        String own = caller.namespace();
        if (own == null || own.isBlank()) {
            return checkNamespace(requested);
        }
        if (requested != null && !requested.isBlank() && !requested.equals(own)) {
            return Optional.of("caller '" + caller.name() + "' is namespace " + own + ", not " + requested
                    + " (caller_namespace must be the caller's own)");
        }
        return checkNamespace(own);
    }

    /** Returns the denial message for the first target {@code caller} may not scale, or empty. */
    @Override
    public Optional<String> checkTargets(Caller caller, List<TargetKey> targets) {
        for (TargetKey t : targets) {
            if (!mayScale(caller, t)) {
                return Optional.of("caller '" + caller.name() + "' may not scale " + t + " (allowed: "
                        + String.join(", ", caller.allowedTargets()) + ")");
            }
        }
        return Optional.empty();
    }

    /** Whether one of {@code caller}'s patterns covers {@code target} (GetState shows a caller only these). */
    public boolean mayScale(Caller caller, TargetKey target) {
        return caller.isAnyone()
                || caller.allowedTargets().stream().anyMatch(p -> PrioritySelectors.matches(p, target));
    }

    /** Whether {@code caller} may watch pool {@code poolId}: an admin any, others the pools they own. */
    public boolean mayWatch(Caller caller, String poolId) {
        return caller.admin() || ownsPool(caller, poolId);
    }

    /**
     * Whether {@code poolId} is one of {@code caller}'s pools: read as {@code k8s_namespace/dgd[/...]}, some
     * pattern of the caller covers a target of that DGD. Only an owner may propose with a pool id, so one tenant
     * can neither push its decisions into another's stream nor advance another's sequence.
     */
    public boolean ownsPool(Caller caller, String poolId) {
        String[] parts = poolId.split("/", 3);
        if (parts.length < 2) {
            return caller.allowedTargets().contains("*");
        }
        for (String p : caller.allowedTargets()) {
            String[] seg = p.split("/");
            String two = seg.length <= 2 ? p : seg[0] + "/" + seg[1];
            if (PrioritySelectors.matches(two, new TargetKey(parts[0], parts[1], "*"))) {
                return true;
            }
        }
        return false;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
