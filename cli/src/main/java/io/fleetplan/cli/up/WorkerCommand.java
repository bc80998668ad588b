package io.fleetplan.cli.up;

import io.fleetplan.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleetplan up worker --run-dir D --pool P}: one mocker worker of a local stack. The GlobalPlanner's
 * local-process executor runs this command for every replica it grants; the pool's mocker flags (router address,
 * engine settings) are in {@code D/workers/P.args}, written by {@code fleetplan up}, because the executor's
 * command template only knows the pool's name.
 */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description =
                "Run one mocker worker of a `fleetplan up` stack (started by the GlobalPlanner's local executor).")
public final class WorkerCommand implements Callable<Integer> {

    @Option(names = "--run-dir", required = true, description = "The stack's run directory.")
    Path runDir;

    @Option(names = "--pool", required = true, description = "Pool (DGD) name.")
    String pool;

    static String argsFile(String pool) {
        return "workers/" + pool + ".args";
    }

    @Override
    public Integer call() throws Exception {
        Path file = runDir.resolve(argsFile(pool));
        if (!Files.isRegularFile(file)) {
            System.err.println("fleetplan up worker: no worker settings for pool '" + pool + "' (" + file
                    + " is missing); pools of this stack: " + pools());
            return 2;
        }
        List<String> args = new ArrayList<>(
                Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList());
        return Main.commandLine().execute(args.toArray(String[]::new));
    }

    private List<String> pools() throws IOException {
        Path dir = runDir.resolve("workers");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString().replace(".args", ""))
                    .sorted()
                    .toList();
        }
    }
}
