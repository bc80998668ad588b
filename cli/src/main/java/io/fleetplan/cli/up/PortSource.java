package io.fleetplan.cli.up;

/** Hands out TCP ports for the stack's processes (free loopback ports live; a counter in tests). */
@FunctionalInterface
public interface PortSource {

    /** A port nobody listens on right now; {@code preferred} > 0 is returned as is. */
    int port(int preferred);
}
