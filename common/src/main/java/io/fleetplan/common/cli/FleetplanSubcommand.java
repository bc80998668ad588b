package io.fleetplan.common.cli;

/**
 * A subcommand of the {@code fleetplan} launcher, contributed by the module that owns it.
 *
 * <p>Implementations are picocli {@code @Command} classes (with a public no-argument constructor) listed in
 * {@code META-INF/services/io.fleetplan.common.cli.FleetplanSubcommand}. The launcher finds them with
 * {@link java.util.ServiceLoader}, so adding a command never edits a shared file.
 */
public interface FleetplanSubcommand {

    /**
     * The command this one hangs under: {@code ""} for a top-level command ({@code fleetplan mocker}),
     * {@code "bench"} for {@code fleetplan bench engine}, {@code "config"} for {@code fleetplan config validate}.
     */
    default String parent() {
        return "";
    }
}
