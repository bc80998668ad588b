package io.fleetplan.global.service;

import java.util.List;

/** What a request presented: a bearer token (null if none) and the names in its client certificate. */
public record Credentials(String bearerToken, List<String> certificateNames) {

    public static final Credentials NONE = new Credentials(null, List.of());

    public Credentials {
        certificateNames = List.copyOf(certificateNames);
    }
}
