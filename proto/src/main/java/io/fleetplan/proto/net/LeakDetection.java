package io.fleetplan.proto.net;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty's buffer leak detector in serving processes. Its default level samples one buffer in 128 and records a
 * stack trace for it: 1-2 % of a serving event loop's CPU (measured with perf in the router bench), spent on
 * the threads that relay tokens. Serving entry points turn it off unless the user asked for a level; the tests,
 * which build the servers directly, keep Netty's default and so still catch leaks.
 */
public final class LeakDetection {

    static final String PROPERTY = "io.netty.leakDetection.level";

    private LeakDetection() {}

    /** Off, unless Netty's property sets a level. */
    public static void offUnlessAsked() {
        if (System.getProperty(PROPERTY) == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }
}
