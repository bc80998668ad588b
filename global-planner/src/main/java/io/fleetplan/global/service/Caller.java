package io.fleetplan.global.service;

import java.util.List;

/**
 * Who sent a request: a configured caller (by bearer token or client certificate) or, when no callers are
 * configured, anyone ({@link #ANYONE}).
 *
 * @param allowedTargets target patterns k8s_namespace/dgd/component this caller may scale
 * @param namespace      the caller's configured Dynamo namespace, or null when the request's claim is used
 */
public record Caller(String name, List<String> allowedTargets, String namespace) {

    public static final Caller ANYONE = new Caller("anonymous", List.of("*"));

    public Caller(String name, List<String> allowedTargets) {
        this(name, allowedTargets, null);
    }

    public Caller {
        allowedTargets = List.copyOf(allowedTargets);
    }
}
