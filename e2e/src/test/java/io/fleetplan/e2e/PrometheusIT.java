package io.fleetplan.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetplan.cli.up.Component;
import io.fleetplan.cli.up.Supervisor;
import io.fleetplan.e2e.support.Http;
import io.fleetplan.e2e.support.LocalFleet;
import io.fleetplan.e2e.support.SteadyLoad;
import io.fleetplan.e2e.support.Tools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (the Debian package) scrapes a LocalRouter, a worker and the Frontend; a pool planner with
 * {@code throughput_metrics_source: router} reads traffic through Dynamo's PromQL from it and decides.
 */
class PrometheusIT {

    static final String NS = "e2e-prom";

    @Test
    void poolPlannerDecidesFromPromQlOverScrapedRouterMetrics() throws Exception {
        Optional<Path> prometheus = Tools.find("prometheus");
        Assumptions.assumeTrue(prometheus.isPresent(), () -> Tools.missing("prometheus", List.of("prometheus")));

        try (LocalFleet fleet = new LocalFleet("prometheus")) {
            int[] router = fleet.router(NS);
            Supervisor.Running worker = fleet.worker("worker-0", NS, router[0], "agg");
            Matcher m = Pattern.compile("metrics_port=(\\d+)")
                    .matcher(worker.readyLine().get());
            assertThat(m.find()).isTrue();
            int workerMetrics = Integer.parseInt(m.group(1));
            int frontend = fleet.frontend(NS, router[0]);
            fleet.awaitHealthy(frontend);

            int promPort = LocalFleet.freePort();
            String promConfig = """
                    global: {scrape_interval: 1s, evaluation_interval: 1s}
                    scrape_configs:
                      - job_name: fleetplan
                        static_configs:
                          - targets: ['127.0.0.1:%d', '127.0.0.1:%d', '127.0.0.1:%d']
                    """.formatted(router[1], workerMetrics, frontend);
            try (Supervisor promSup =
                    new Supervisor(fleet.dir(), List.of(prometheus.get().toString()), Duration.ofSeconds(10))) {
                Supervisor.Running prom = promSup.start(new Component(
                        "prometheus",
                        Component.Role.ROUTER,
                        List.of(
                                "--config.file=" + fleet.dir().resolve("prometheus.yml"),
                                "--storage.tsdb.path=" + fleet.dir().resolve("tsdb"),
                                "--web.listen-address=127.0.0.1:" + promPort),
                        Map.of("prometheus.yml", promConfig),
                        null));
                promSup.awaitReady(prom, promPort, Duration.ofSeconds(30));
                String promUrl = "http://127.0.0.1:" + promPort;

                int plannerMetrics = LocalFleet.freePort();
                fleet.poolPlanner("pool-planner", """
                        mode: agg
                        backend: mocker
                        optimization_target: sla
                        environment: virtual
                        namespace: %s
                        throughput_metrics_source: router
                        prometheus_endpoint: %s
                        router_metrics_url: http://127.0.0.1:%d/metrics
                        throughput_adjustment_interval: 5
                        enable_throughput_scaling: true
                        enable_load_scaling: false
                        load_predictor: constant
                        metric_reporting_prometheus_port: %d
                        live_dashboard_port: %d
                        report_output_dir: %s
                        """.formatted(
                                NS,
                                promUrl,
                                router[1],
                                plannerMetrics,
                                LocalFleet.freePort(),
                                fleet.dir().resolve("reports")));

                // 4 req/s until the planner has decided on them (as long as that takes, not a fixed trace's length)
                try (SteadyLoad load = new SteadyLoad(
                        "http://127.0.0.1:" + frontend, "e2e-model", 4, 300, 20, System::currentTimeMillis)) {
                    String ns = NS.replace('-', '_');
                    await().atMost(Duration.ofSeconds(45))
                            .pollInterval(Duration.ofSeconds(1))
                            .until(() -> Http.promQuery(
                                                            promUrl,
                                                            "sum(dynamo_component_router_requests_total{dynamo_namespace=\""
                                                                    + ns + "\"})")
                                                    .orElse(0)
                                            > 0
                                    && Http.promQuery(promUrl, "sum(dynamo_frontend_requests_total)")
                                                    .orElse(0)
                                            > 0);
                    String plannerUrl = "http://127.0.0.1:" + plannerMetrics + "/metrics";
                    // the throughput loop runs every 5 s on PromQL answers over the scraped router series
                    await().atMost(Duration.ofSeconds(45))
                            .pollInterval(Duration.ofSeconds(1))
                            .until(() -> Http.sample(
                                            Http.get(plannerUrl), "dynamo_planner_observed_requests_per_second", null)
                                    > 2);
                    String exposition = Http.get(plannerUrl);
                    String decision = Http.activeState(exposition, "dynamo_planner_throughput_scaling_decision");
                    System.out.println("prometheus e2e: planner observed "
                            + Http.sample(exposition, "dynamo_planner_observed_requests_per_second", null)
                            + " req/s, ttft "
                            + Http.sample(exposition, "dynamo_planner_observed_ttft_ms", null)
                            + " ms, throughput decision "
                            + decision + ", recommended "
                            + Http.sample(exposition, "dynamo_planner_predicted_num_decode_replicas", null));
                    // data reached the decision: with it the loop either sizes the pool or waits for its capacity model
                    assertThat(decision).isIn("scale", "set_lower_bound", "model_not_ready");
                    assertThat(Http.sample(exposition, "dynamo_planner_observed_requests_per_second", null))
                            .as("PromQL rate of the offered 4 req/s")
                            .isBetween(2.0, 6.0);
                    assertThat(Http.sample(exposition, "dynamo_planner_observed_ttft_ms", null))
                            .isPositive();
                    load.close();
                    System.out.println("prometheus e2e: " + load.done().size() + " requests sent at 4 req/s");
                    assertThat(load.done())
                            .as("requests sent")
                            .isNotEmpty()
                            .allSatisfy(r -> assertThat(r.ok())
                                    .as("request sent at %d ms: %s", r.sentMs(), r.error())
                                    .isTrue());
                }
            }
        }
    }
}
