package io.fleetplan.e2e.support;

import io.fleetplan.cli.up.Component;
import io.fleetplan.cli.up.JavaLauncher;
import io.fleetplan.cli.up.Supervisor;
import io.fleetplan.common.io.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * Real {@code fleetplan} processes on loopback for end-to-end tests, started and stopped by the same
 * {@link Supervisor} {@code fleetplan up} uses (so a test that ends leaves no process behind). Logs go to
 * {@code target/e2e-artifacts/<test>/<process>.log}.
 */
public final class LocalFleet implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final Duration READY = Duration.ofSeconds(60);

    private final Path dir;
    private final Supervisor supervisor;

    public LocalFleet(String testName) throws IOException {
        this.dir = Artifacts.dir(testName);
        this.supervisor = new Supervisor(dir, JavaLauncher.fleetplanCommand(), Duration.ofSeconds(20));
    }

    public Path dir() {
        return dir;
    }

    public Supervisor supervisor() {
        return supervisor;
    }

    /** Starts {@code fleetplan <args>} and waits for a stdout line matching {@code ready} (or for {@code port}). */
    public Supervisor.Running start(String name, String ready, int port, Map<String, String> files, String... args)
            throws IOException, InterruptedException {
        Component c = new Component(
                name, Component.Role.ROUTER, List.of(args), files, ready == null ? null : Pattern.compile(ready));
        Supervisor.Running r = supervisor.start(c);
        supervisor.awaitReady(r, port, READY);
        return r;
    }

    /** A pool's LocalRouter; returns {grpcPort, metricsPort}. */
    public int[] router(String namespace) throws IOException, InterruptedException {
        int grpc = freePort();
        int metrics = freePort();
        start(
                "router-" + namespace,
                "^router .*gRPC",
                0,
                Map.of(),
                "router",
                "--namespace",
                namespace,
                "--host",
                HOST,
                "--port",
                String.valueOf(grpc),
                "--metrics-port",
                String.valueOf(metrics));
        return new int[] {grpc, metrics};
    }

    /** A mocker worker registered with the router at {@code routerPort}. */
    public Supervisor.Running worker(String name, String namespace, int routerPort, String mode, String... extra)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(
                "mocker",
                "--model-name",
                "e2e-model",
                "--host",
                HOST,
                "--pool",
                namespace,
                "--router",
                HOST + ":" + routerPort,
                "--disaggregation-mode",
                mode,
                "--drain-grace-ms",
                "10000"));
        args.addAll(List.of(extra));
        return start(name, "^mocker ready", 0, Map.of(), args.toArray(String[]::new));
    }

    /** The Frontend in front of one aggregated pool; returns its HTTP port. */
    public int frontend(String namespace, int routerPort) throws IOException, InterruptedException {
        int http = freePort();
        start(
                "frontend",
                "^frontend: http",
                0,
                Map.of(),
                "frontend",
                "--pool",
                namespace + "=" + HOST + ":" + routerPort,
                "--model",
                "e2e-model",
                "--http-port",
                String.valueOf(http),
                "--host",
                HOST);
        return http;
    }

    /** Waits until the Frontend's /health reports a ready worker in every pool it knows. */
    public void awaitHealthy(int frontendPort) {
        Awaitility.await().atMost(READY).pollInterval(Duration.ofMillis(250)).until(() -> {
            String body = Http.get("http://" + HOST + ":" + frontendPort + "/health");
            return body.contains("\"healthy\"") && !body.matches(".*:\\s*0\\s*[,}].*");
        });
    }

    /** A pool planner from a PlannerConfig YAML text. */
    public Supervisor.Running poolPlanner(String name, String plannerYaml) throws IOException, InterruptedException {
        String file = name + ".yaml";
        return start(
                name,
                "^pool-planner ",
                0,
                Map.of(file, plannerYaml),
                "pool-planner",
                "--config",
                dir.resolve(file).toString());
    }

    public static int freePort() {
        return LoopbackPorts.free(HOST);
    }

    public String log(String name) throws IOException {
        Path p = dir.resolve(name + ".log");
        return Files.exists(p) ? Files.readString(p) : "";
    }

    @Override
    public void close() {
        supervisor.close();
    }
}
