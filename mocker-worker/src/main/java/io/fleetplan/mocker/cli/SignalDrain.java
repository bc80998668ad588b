package io.fleetplan.mocker.cli;

import sun.misc.Signal;

/**
 * SIGTERM / SIGINT start a drain instead of killing the process, so no accepted request is lost and the
 * process exits 0 once drained. Uses {@code sun.misc.Signal} where available; without it the JVM's default
 * handling applies.
 */
final class SignalDrain {

    private SignalDrain() {}

    static void install(Runnable drain) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> drain.run());
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                System.err.println("mocker: cannot handle SIG" + name + " (" + e.getMessage() + "); it will not drain");
            }
        }
    }
}
