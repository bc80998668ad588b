package io.fleetplan.global.service;

import java.util.List;

/**
 * Who sent a request: a configured caller (by bearer token or client certificate) or, when no callers are
 * configured, anyone ({@link #ANYONE}).
 *
 * @param allowedTargets target patterns k8s_namespace/dgd/component this caller may scale
 */
public record Caller(String name, List<String> allowedTargets) {

    public static final Caller ANYONE = new Caller("anonymous", List.of("*"));

    public Caller {
        allowedTargets = List.copyOf(allowedTargets);
    }
}
