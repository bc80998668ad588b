package io.fleetplan.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetplan.e2e.support.Chromium;
import io.fleetplan.e2e.support.Http;
import io.fleetplan.e2e.support.LocalFleet;
import io.fleetplan.e2e.support.SteadyLoad;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pool planner's live dashboard in headless Chromium (the Debian package), while a real stack serves load:
 * the page fetches data.json, draws its SVG charts and fills the decision table. The screenshot is kept in
 * target/e2e-artifacts/dashboard/dashboard.png.
 */
class DashboardBrowserIT {

    static final String NS = "e2e-dash";

    @Test
    void liveDashboardRendersChartsWithData() throws Exception {
        try (LocalFleet fleet = new LocalFleet("dashboard")) {
            Chromium chromium = Chromium.require(fleet.dir());
            int[] router = fleet.router(NS);
            fleet.worker("worker-0", NS, router[0], "agg");
            int frontend = fleet.frontend(NS, router[0]);
            fleet.awaitHealthy(frontend);
            int dashboard = LocalFleet.freePort();
            // the shipped preset (observed_slo_scaling on, throughput loop every 30 s in agg): within this 15 s load
            // only the load loop's recent window can give the charts observed load and latency
            fleet.poolPlanner("pool-planner", """
                    preset: fleetplan
                    mode: agg
                    backend: mocker
                    environment: virtual
                    namespace: %s
                    router_address: 127.0.0.1:%d
                    load_adjustment_interval: 2
                    ttft: 500
                    itl: 50
                    live_dashboard_port: %d
                    report_output_dir: %s
                    """.formatted(
                            NS, router[0], dashboard, fleet.dir().resolve("reports")));
            String page = "http://127.0.0.1:" + dashboard + "/";
            // 6 req/s until the planner has recorded decisions with observed traffic and latency in them
            SteadyLoad load =
                    new SteadyLoad("http://127.0.0.1:" + frontend, "e2e-model", 6, 500, 30, System::currentTimeMillis);
            try {
                await().atMost(Duration.ofSeconds(40))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> Http.get(page + "data.json")
                                .matches("(?s).*\"obsRps\":[0-9.]*[1-9].*\"obsTtft\":[0-9.]*[1-9].*"));
            } finally {
                // the browser runs after the load: two cores cannot serve requests and render headless Chromium
                // at once
                load.close();
            }
            String data = Http.get(page + "data.json");
            assertThat(data)
                    .as("arrivals and the SLO in the data")
                    .matches("(?s).*\"arrRps\":[0-9.]*[1-9].*")
                    .contains("\"sloTtft\":500.0000", "\"sloItl\":50.0000");
            List<SteadyLoad.Sent> sent = load.done();
            assertThat(sent)
                    .as("requests sent")
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.ok())
                            .as("request sent at %d ms: %s", r.sentMs(), r.error())
                            .isTrue());

            String dom = chromium.dom(page);
            Files.writeString(fleet.dir().resolve("dashboard-dom.html"), dom);
            assertThat(dom).as("charts drawn").contains("<svg").containsAnyOf("<polyline", "<path", "<line");
            // observed load and latency from the load loop, and the SLO as a dashed line on both latency charts
            assertThat(dom)
                    .contains(
                            "data-series=\"arrRps\"",
                            "data-series=\"obsRps\"",
                            "data-series=\"obsTtft\"",
                            "data-series=\"sloTtft\"",
                            "data-series=\"sloItl\"",
                            "stroke-dasharray=\"6 4\"");
            int rows = dom.split("<tr").length - 2; // minus the header row
            assertThat(rows).as("decision rows in the table").isPositive();

            Path shot = chromium.screenshot(page, fleet.dir().resolve("dashboard.png"), 1280, 1600);
            assertThat(shot).exists();
            assertThat(Files.size(shot)).as("a rendered page, not a blank one").isGreaterThan(20_000);
            System.out.println("dashboard e2e: " + rows + " decision rows, screenshot " + shot + " (" + Files.size(shot)
                    + " bytes); load " + sent.size() + " ok, 0 failed");
        }
    }
}
