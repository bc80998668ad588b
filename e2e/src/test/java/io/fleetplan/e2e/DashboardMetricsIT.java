package io.fleetplan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.e2e.support.Artifacts;
import io.fleetplan.e2e.support.Http;
import io.fleetplan.e2e.support.UpStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every metric the shipped Grafana dashboard queries is on some component's /metrics as soon as the stack is up,
 * before any request or scale decision: a panel that stays empty until something happens reads as "broken" on a
 * fresh install (and an alert on it never fires). The stack is {@code fleetplan up} with a prefill and a decode
 * pool; the pages are the Frontend's, the GlobalPlanner's, each pool's router and planner, and each worker's.
 */
class DashboardMetricsIT {

    static final String STACK = """
            model: e2e-model
            budget: {max_total_gpus: 4}
            slo: {ttft_ms: 500, itl_ms: 50}
            drain_grace_seconds: 5
            pools:
              - {name: prefill, mode: prefill, min_replicas: 1, max_replicas: 2, engine: {num_gpu_blocks: 1024}}
              - {name: decode, mode: decode, min_replicas: 1, max_replicas: 2, engine: {num_gpu_blocks: 1024}}
            """;

    /** Metric names a dashboard expression queries (label names in selectors are not metrics). */
    static Set<String> queried(JsonNode dashboard) {
        Pattern name = Pattern.compile("\\b((?:dynamo|global|fleetplan|vllm)_[a-z0-9_:]+)\\b(?!\\s*[=!]~?)");
        Set<String> out = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                Matcher m = name.matcher(t.path("expr").asText());
                while (m.find()) {
                    if (!m.group(1).equals("dynamo_namespace")) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void everyDashboardMetricIsExportedByAFreshStack() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        JsonNode dashboard = new ObjectMapper()
                .readTree(
                        repo.resolve("deploy/grafana/fleetplan-dashboard.json").toFile());
        Set<String> queried = queried(dashboard);
        assertThat(queried).hasSizeGreaterThan(25);

        Path dir = Artifacts.dir("dashboard-metrics");
        try (UpStack up = UpStack.start(dir, STACK, Duration.ofSeconds(180))) {
            List<String> urls = new ArrayList<>();
            Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:\\d+/metrics").matcher(up.banner());
            while (m.find()) {
                urls.add(m.group());
            }
            // the workers the GlobalPlanner started print their metrics port in their logs
            try (Stream<Path> logs = Files.walk(up.runDir())) {
                for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                    Matcher w = Pattern.compile("mocker ready .*metrics_port=(\\d+)")
                            .matcher(Files.readString(log));
                    while (w.find()) {
                        urls.add("http://127.0.0.1:" + w.group(1) + "/metrics");
                    }
                }
            }
            // 2 routers, 2 planners, the Frontend, the GlobalPlanner and at least one worker per pool
            assertThat(urls).as(up.banner()).hasSizeGreaterThanOrEqualTo(8);
            Set<String> exported = new TreeSet<>();
            StringBuilder pages = new StringBuilder();
            for (String url : urls) {
                String page = Http.get(url);
                pages.append("# ").append(url).append('\n').append(page);
                page.lines()
                        .filter(l -> !l.startsWith("#") && !l.isBlank())
                        .map(l -> l.split("[{ ]", 2)[0])
                        .forEach(exported::add);
            }
            Files.writeString(dir.resolve("fresh-metrics.txt"), pages);
            Set<String> missing = new TreeSet<>(queried);
            missing.removeAll(exported);
            System.out.println("dashboard metrics: " + queried.size() + " queried, " + urls.size() + " pages, missing "
                    + missing + "; pages in " + dir.resolve("fresh-metrics.txt"));
            assertThat(missing)
                    .as(
                            "dashboard metrics absent from a freshly started stack (pages in %s)",
                            dir.resolve("fresh-metrics.txt"))
                    .isEmpty();
        }
    }
}
