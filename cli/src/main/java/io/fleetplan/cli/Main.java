package io.fleetplan.cli;

import io.fleetplan.common.cli.FleetplanSubcommand;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fleetplan} launcher. Its subcommands are contributed by the modules that own them
 * ({@link FleetplanSubcommand} via {@link ServiceLoader}), so this class never lists them.
 */
@Command(
        name = "fleetplan",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Control plane for disaggregated LLM serving: pool planners, a GlobalPlanner with a shared GPU "
                + "budget, routers, a mocker engine and trace replay.",
        subcommands = {VersionCommand.class, ConfigCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        // servers started by a subcommand return only when they are done; non-daemon threads must not keep us alive
        System.exit(code);
    }

    /**
     * Gives {@code --help} (and {@code -h} when free) to every command of the tree that has no usage-help
     * option of its own, so a contributed command without {@code mixinStandardHelpOptions} still answers
     * {@code --help} with its usage and exit 0 instead of "Unknown option".
     */
    static void addHelpWhereMissing(CommandLine command) {
        CommandLine.Model.CommandSpec spec = command.getCommandSpec();
        boolean hasHelp = spec.options().stream().anyMatch(CommandLine.Model.OptionSpec::usageHelp);
        if (!hasHelp) {
            String[] names = spec.findOption("-h") == null ? new String[] {"-h", "--help"} : new String[] {"--help"};
            spec.addOption(CommandLine.Model.OptionSpec.builder(names)
                    .usageHelp(true)
                    .description("Show this help message and exit.")
                    .build());
        }
        command.getSubcommands().values().stream().distinct().forEach(Main::addHelpWhereMissing);
    }

    /** The full command tree, with every discovered subcommand attached. */
    public static CommandLine commandLine() {
        return commandLine(
                new PrintWriter(System.out, true, System.out.charset()),
                new PrintWriter(System.err, true, System.err.charset()));
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine root = new CommandLine(new Main());
        List<FleetplanSubcommand> found = new ArrayList<>();
        ServiceLoader.load(FleetplanSubcommand.class).forEach(found::add);
        found.sort(Comparator.comparing(c -> c.getClass().getName()));
        for (FleetplanSubcommand command : found) {
            CommandLine parent =
                    command.parent().isEmpty() ? root : root.getSubcommands().get(command.parent());
            if (parent == null) {
                throw new IllegalStateException(
                        command.getClass().getName() + " names unknown parent command '" + command.parent() + "'");
            }
            CommandLine sub = new CommandLine(command);
            parent.addSubcommand(sub.getCommandName(), sub);
        }
        addHelpWhereMissing(root);
        root.setOut(out);
        root.setErr(err);
        root.setCaseInsensitiveEnumValuesAllowed(true);
        root.setExecutionExceptionHandler((ex, cl, parseResult) -> {
            cl.getErr().println("fleetplan " + cl.getCommandName() + ": " + ex.getMessage());
            if (System.getenv("FLEETPLAN_DEBUG") != null) {
                ex.printStackTrace(cl.getErr());
            }
            return 1;
        });
        return root;
    }
}
