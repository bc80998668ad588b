package io.fleetplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigKind;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.config.ConfigProblem;
import io.fleetplan.common.config.ConfigReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Work with fleetplan / Dynamo config files.",
        subcommands = {ConfigCommand.Validate.class, ConfigCommand.Reference.class})
final class ConfigCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static List<ConfigKind> kinds() {
        List<ConfigKind> kinds = new ArrayList<>();
        ServiceLoader.load(ConfigKind.class).forEach(kinds::add);
        kinds.sort(Comparator.comparing(ConfigKind::name));
        return kinds;
    }

    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            versionProvider = VersionCommand.Provider.class,
            description = {
                "Check a config file. Exit 0 with a one-line summary when it is good; exit 2 with every problem",
                "(field, value, what is allowed) when it is not. The kind is detected from the fields unless --kind is given."
            })
    static final class Validate implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "YAML or JSON config file")
        Path file;

        @Option(
                names = "--kind",
                paramLabel = "KIND",
                description = "Config kind (${COMPLETION-CANDIDATES} ...); default: detect")
        String kind;

        @Override
        public Integer call() {
            List<ConfigKind> kinds = kinds();
            try {
                ConfigKind chosen = kind != null ? byName(kinds, kind) : detect(kinds, file);
                Object config = chosen.load(file);
                spec.commandLine().getOut().println(file + ": " + chosen.summary(config));
                return 0;
            } catch (ConfigException e) {
                spec.commandLine().getErr().println(e.getMessage());
                return 2;
            }
        }

        private static ConfigKind byName(List<ConfigKind> kinds, String name) {
            return kinds.stream()
                    .filter(k -> k.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new ConfigException(ConfigProblem.of(
                            "--kind",
                            name,
                            "must be one of: "
                                    + String.join(
                                            ", ",
                                            kinds.stream().map(ConfigKind::name).toList()))));
        }

        private static ConfigKind detect(List<ConfigKind> kinds, Path file) {
            Set<String> keys = new HashSet<>();
            // a missing, oversized or non-regular file (/dev/zero) is reported here, before any kind reads it
            String text = ConfigLoader.read(file);
            try {
                JsonNode root = ConfigLoader.yamlMapper().readTree(text);
                if (root != null && root.isObject()) {
                    root.fieldNames().forEachRemaining(keys::add);
                }
            } catch (IOException | RuntimeException e) {
                // unreadable or broken: the planner kind's loader reports the precise problem
            }
            ConfigKind best = null;
            int bestScore = -1;
            for (ConfigKind k : kinds) {
                int s = k.score(keys);
                // the planner config is the default: an empty file is a valid, all-defaults PlannerConfig
                if (s > bestScore || (s == bestScore && k.name().equals("planner"))) {
                    best = k;
                    bestScore = s;
                }
            }
            if (best == null) {
                throw new ConfigException(
                        ConfigProblem.of("--kind", null, "no config kinds are available in this build"));
            }
            return best;
        }
    }

    @Command(
            name = "reference",
            mixinStandardHelpOptions = true,
            versionProvider = VersionCommand.Provider.class,
            description = "Print the reference of every config kind (Markdown), generated from the records.")
    static final class Reference implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(ConfigReference.markdown(kinds()));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
