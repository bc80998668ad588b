package io.fleetplan.sim.report;

import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.sim.replay.PolicyRun;
import io.fleetplan.sim.replay.RequestLog;
import io.fleetplan.sim.replay.TimeSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html}: one self-contained page (inline SVG and CSS, no scripts, no network), so it opens
 * offline and can be mailed. Charts: request rate; then, as small multiples (one panel per policy on a shared
 * scale), ready replicas per pool and GPUs held against the budget (whole-number ticks), mean TTFT and ITL by
 * arrival time against their SLO, SLO attainment by arrival time against its target; attainment and GPU-hours per
 * policy as bars; then the summary table.
 */
public final class ReportHtml {

    private ReportHtml() {}

    public static String render(Evaluation.Result r) {
        StackConfig stack = r.options().stack();
        List<PolicyRun> runs = r.runs();
        double step = r.options().settings().sampleSeconds();
        int buckets = Math.max(1, (int)
                Math.ceil(runs.stream().mapToDouble(PolicyRun::endSeconds).max().orElse(1) / step));
        double[] x = new double[buckets];
        for (int i = 0; i < buckets; i++) {
            x[i] = i * step;
        }
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>fleetplan replay</title>\n");
        b.append(
                "<style>body{font-family:sans-serif;margin:24px;max-width:980px;color:#222}table{border-collapse:collapse;"
                        + "font-size:12px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#f3f3f3}"
                        + "td:first-child,th:first-child{text-align:left}svg{display:block;margin:8px 0 18px}</style>\n</head><body>\n");
        b.append("<h1>fleetplan replay</h1>\n<p>")
                .append(Svg.esc(String.format(
                        Locale.ROOT,
                        "Trace %s (%s): %d requests over %.0f s, %.2f req/s. Budget %d GPUs, SLO TTFT <= %.0f ms and mean ITL <= %.0f ms,"
                                + " worker start-up %.0f s, seed %d.",
                        SummaryJson.fileName(r.trace().source()),
                        r.trace().format().label(),
                        r.trace().requests().size(),
                        r.trace().durationSeconds(),
                        r.trace().meanRate(),
                        stack.budget().maxTotalGpus(),
                        stack.slo().ttftMs(),
                        stack.slo().itlMs(),
                        stack.workerStartupSeconds(),
                        r.options().settings().seed())))
                .append("</p>\n");

        double[] rate = new double[buckets];
        RequestLog first = runs.get(0).requests();
        for (int i = 0; i < first.size(); i++) {
            int k = Math.min(buckets - 1, (int) (first.arrivalNanos(i) / 1e9 / step));
            rate[k] += 1 / step;
        }
        b.append(Svg.lineChart(
                "Request rate", "req/s", x, List.of(new Svg.Series("arrivals", rate, false, null)), true));

        // per policy: one small panel each on a shared scale (nine policies on one chart hid each other's lines)
        List<String> pools = runs.get(0).series().pools();
        for (int k = 0; k < pools.size(); k++) {
            final int pool = k;
            b.append(Svg.smallMultiples(
                    "Ready replicas, pool " + pools.get(k),
                    "replicas",
                    x,
                    seriesPerPolicy(runs, buckets, step, (s, i) -> s.ready(i, pool)),
                    true,
                    true,
                    0,
                    List.of()));
        }
        List<Svg.Reference> budget = stack.budget().maxTotalGpus() >= 0
                ? List.of(new Svg.Reference("budget", stack.budget().maxTotalGpus(), "#000000"))
                : List.of();
        b.append(Svg.smallMultiples(
                "GPUs held vs budget",
                "GPUs",
                x,
                seriesPerPolicy(runs, buckets, step, TimeSeries::gpus),
                true,
                true,
                0,
                budget));
        b.append(Svg.smallMultiples(
                "Mean TTFT by arrival time",
                "ms",
                x,
                latency(runs, buckets, step, true),
                false,
                false,
                0,
                List.of(new Svg.Reference("SLO", stack.slo().ttftMs(), "#d62728"))));
        b.append(Svg.smallMultiples(
                "Mean ITL by arrival time",
                "ms",
                x,
                latency(runs, buckets, step, false),
                false,
                false,
                0,
                List.of(new Svg.Reference("SLO", stack.slo().itlMs(), "#d62728"))));
        b.append(Svg.smallMultiples(
                "SLO attainment by arrival time",
                "share",
                x,
                attainment(runs, buckets, step, stack),
                false,
                false,
                1,
                List.of(new Svg.Reference("target", r.options().attainmentTarget(), "#d62728"))));
        List<String> names = r.summaries().stream().map(PolicySummary::policy).toList();
        b.append(Svg.barChart(
                "SLO attainment per policy (%)",
                "%",
                names,
                r.summaries().stream().mapToDouble(s -> s.sloAttainment() * 100).toArray(),
                100));
        b.append(Svg.barChart(
                "GPU-hours per policy",
                "GPU-h",
                names,
                r.summaries().stream().mapToDouble(PolicySummary::gpuHours).toArray(),
                0));

        b.append("<h2>Summary</h2>\n<table><tr><th>policy</th><th>SLO attainment %</th><th>GPU-h</th><th>avg GPUs</th>"
                + "<th>peak GPUs</th><th>budget violations</th><th>TTFT p50/p99 ms</th><th>ITL p50/p99 ms</th>"
                + "<th>goodput tok/s per GPU</th><th>scale events</th><th>failed</th></tr>\n");
        for (PolicySummary s : r.summaries()) {
            b.append(String.format(
                    Locale.ROOT,
                    "<tr><td>%s</td><td>%.2f</td><td>%.3f</td><td>%.2f</td><td>%d</td><td>%d</td>"
                            + "<td>%s / %s</td><td>%s / %s</td><td>%.1f</td><td>%d</td><td>%d</td></tr>\n",
                    Svg.esc(s.policy()),
                    s.sloAttainment() * 100,
                    s.gpuHours(),
                    s.avgGpus(),
                    s.peakGpus(),
                    s.budgetViolations(),
                    Svg.fmt(s.ttftP50()),
                    Svg.fmt(s.ttftP99()),
                    Svg.fmt(s.itlP50()),
                    Svg.fmt(s.itlP99()),
                    s.goodputTokensPerGpuSecond(),
                    s.scaleEvents(),
                    s.failed()));
        }
        b.append("</table>\n");
        requestClasses(b, r);
        b.append("<h2>Policies</h2>\n<ul>\n");
        for (PolicySummary s : r.summaries()) {
            b.append("<li><b>")
                    .append(Svg.esc(s.policy()))
                    .append("</b>: ")
                    .append(Svg.esc(s.description()))
                    .append("</li>\n");
        }
        b.append("</ul>\n</body></html>\n");
        return b.toString();
    }

    /** Per request class and policy: attainment % and the misses by kind (which requests a policy loses). */
    private static void requestClasses(StringBuilder b, Evaluation.Result r) {
        double ttft = r.options().stack().slo().ttftMs();
        double itl = r.options().stack().slo().itlMs();
        List<List<RequestClasses.Figures>> all = r.runs().stream()
                .map(run -> RequestClasses.of(r.trace(), run.requests(), ttft, itl))
                .toList();
        b.append("<h2>Attainment per request class</h2>\n<p>% of the class meeting the SLO (TTFT / ITL misses / failed)"
                + "</p>\n<table><tr><th>policy</th>");
        for (RequestClasses.Figures c : all.get(0)) {
            b.append("<th>")
                    .append(Svg.esc(c.name()))
                    .append(" (")
                    .append(c.requests())
                    .append(")</th>");
        }
        b.append("</tr>\n");
        for (int i = 0; i < all.size(); i++) {
            b.append("<tr><td>").append(Svg.esc(r.summaries().get(i).policy())).append("</td>");
            for (RequestClasses.Figures c : all.get(i)) {
                b.append(String.format(
                        Locale.ROOT,
                        "<td>%.2f (%d / %d / %d)</td>",
                        c.attainment() * 100,
                        c.ttftMisses(),
                        c.itlMisses(),
                        c.failed()));
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
    }

    private interface Metric {
        double at(TimeSeries s, int i);
    }

    private static List<Svg.Series> seriesPerPolicy(List<PolicyRun> runs, int buckets, double step, Metric m) {
        List<Svg.Series> out = new ArrayList<>();
        for (PolicyRun run : runs) {
            TimeSeries s = run.series();
            double[] y = new double[buckets];
            Arrays.fill(y, Double.NaN);
            for (int i = 0; i < s.size(); i++) {
                int k = (int) Math.round(s.time(i) / step);
                if (k < buckets) {
                    y[k] = m.at(s, i);
                }
            }
            out.add(new Svg.Series(run.policy(), y, false, null));
        }
        return out;
    }

    /** Per request: its value, or NaN to leave it out of its bucket's mean. */
    private interface PerRequest {
        double value(RequestLog log, int i);
    }

    private static List<Svg.Series> latency(List<PolicyRun> runs, int buckets, double step, boolean ttft) {
        return byArrival(
                runs, buckets, step, (log, i) -> !log.completed(i) ? Double.NaN : ttft ? log.ttftMs(i) : log.itlMs(i));
    }

    private static List<Svg.Series> attainment(List<PolicyRun> runs, int buckets, double step, StackConfig stack) {
        return byArrival(
                runs,
                buckets,
                step,
                (log, i) -> log.completed(i)
                                && log.ttftMs(i) <= stack.slo().ttftMs()
                                && log.itlMs(i) <= stack.slo().itlMs()
                        ? 1
                        : 0);
    }

    /** Per policy, the mean of {@code f} over the requests arriving in each bucket. */
    private static List<Svg.Series> byArrival(List<PolicyRun> runs, int buckets, double step, PerRequest f) {
        List<Svg.Series> out = new ArrayList<>();
        for (PolicyRun run : runs) {
            RequestLog log = run.requests();
            double[] sum = new double[buckets];
            int[] n = new int[buckets];
            for (int i = 0; i < log.size(); i++) {
                double v = f.value(log, i);
                if (!Double.isNaN(v)) {
                    int k = Math.min(buckets - 1, (int) (log.arrivalNanos(i) / 1e9 / step));
                    sum[k] += v;
                    n[k]++;
                }
            }
            double[] y = new double[buckets];
            for (int k = 0; k < buckets; k++) {
                y[k] = n[k] == 0 ? Double.NaN : sum[k] / n[k];
            }
            out.add(new Svg.Series(run.policy(), y, false, null));
        }
        return out;
    }
}
