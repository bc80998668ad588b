package io.fleetplan.cli.up;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One process of a local stack: the {@code fleetplan} subcommand and arguments it runs, the files it needs
 * written first (name relative to the run directory -> content) and the stdout line that says it is serving.
 *
 * @param name      unique, also the log file name ({@code <name>.log})
 * @param role      what it is, for start order and the summary
 * @param args      the fleetplan command line after {@code fleetplan}
 * @param files     config files to write before start
 * @param readyLine a line matching this on stdout/stderr means ready
 */
public record Component(String name, Role role, List<String> args, Map<String, String> files, Pattern readyLine) {

    /** Start order is the enum order; stop order is the reverse. */
    public enum Role {
        ROUTER,
        WORKER,
        GLOBAL_PLANNER,
        POOL_PLANNER,
        FRONTEND
    }

    public Component {
        args = List.copyOf(args);
        files = Map.copyOf(files);
    }
}
