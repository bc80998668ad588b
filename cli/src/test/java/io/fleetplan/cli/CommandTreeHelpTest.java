package io.fleetplan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command and subcommand of the launcher, the ServiceLoader-contributed ones included, answers --help. */
class CommandTreeHelpTest {

    private static void walk(CommandLine command, List<String> path, List<List<String>> out) {
        out.add(path);
        command.getSubcommands().forEach((name, sub) -> {
            // aliases map to the same CommandLine; visit each command once, under its own name
            if (sub.getCommandName().equals(name)) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                walk(sub, next, out);
            }
        });
    }

    @Test
    void everyCommandAnswersHelpWithItsUsageAndExitZero() {
        List<List<String>> paths = new ArrayList<>();
        walk(
                Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())),
                List.of(),
                paths);
        // the tree as the jar assembles it: built-in commands and the modules' contributions
        assertThat(paths)
                .contains(
                        List.of("config", "validate"),
                        List.of("config", "reference"),
                        List.of("bench"),
                        List.of("version"),
                        List.of("bench", "replay"),
                        List.of("replay"),
                        List.of("load"),
                        List.of("up"),
                        List.of("mocker"),
                        List.of("global-planner"),
                        List.of("pool-planner"),
                        List.of("frontend"),
                        List.of("profile"));
        // the bench module's commands, which reach the jar only through cli's runtime dependency on it
        assertThat(paths)
                .contains(
                        List.of("bench", "global-planner"),
                        List.of("bench", "engine"),
                        List.of("bench", "predictors"),
                        List.of("bench", "router"),
                        List.of("bench", "replay"));
        List<String> failures = new ArrayList<>();
        for (List<String> path : paths) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                    .execute(args.toArray(String[]::new));
            String name = String.join(" ", path);
            if (code != 0 || !out.toString().contains("Usage: fleetplan" + (name.isEmpty() ? "" : " " + name))) {
                failures.add("fleetplan " + name + " --help: exit " + code + ", stderr: "
                        + err.toString().strip());
            }
        }
        assertThat(failures).as("commands that do not answer --help").isEmpty();
        assertThat(paths).hasSizeGreaterThan(15);
    }
}
