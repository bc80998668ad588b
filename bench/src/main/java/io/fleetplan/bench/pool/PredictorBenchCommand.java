package io.fleetplan.bench.pool;

import io.fleetplan.common.cli.FleetplanSubcommand;
import io.fleetplan.pool.predict.LoadPredictor;
import io.fleetplan.pool.predict.PredictorSettings;
import io.fleetplan.pool.predict.TraceBuckets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleetplan bench predictors}: one-step prediction error of every load predictor on request traces
 * bucketed to the throughput interval. Figures (JSON line): per trace and predictor, {@code mape_pct} (mean
 * absolute percentage error of the request count over intervals with traffic) and {@code mae_requests} (mean
 * absolute error, requests per interval), plus {@code isl_mape_pct}.
 */
@Command(
        name = "predictors",
        mixinStandardHelpOptions = true,
        description = "One-step prediction error of the load predictors on traces (Mooncake JSONL, Azure CSV).")
public final class PredictorBenchCommand implements Callable<Integer>, FleetplanSubcommand {

    @Option(names = "--trace", required = true, description = "trace files (.jsonl = Mooncake, .csv = Azure)")
    List<Path> traces;

    @Option(names = "--interval", defaultValue = "180", description = "bucket = throughput interval, seconds")
    double interval;

    @Override
    public String parent() {
        return "bench";
    }

    /** The error of one predictor on one series. */
    public record Score(
            String trace, String predictor, int points, double mapePct, double maeRequests, double islMapePct) {}

    @Override
    public Integer call() throws Exception {
        List<Score> scores = new ArrayList<>();
        for (Path t : traces) {
            List<String> lines = Files.readAllLines(t);
            var arrivals = t.toString().endsWith(".csv")
                    ? TraceBuckets.parseAzure(lines, t.toString())
                    : TraceBuckets.parseMooncake(lines, t.toString());
            scores.addAll(score(t.getFileName().toString(), TraceBuckets.bucket(arrivals, interval), interval));
        }
        System.out.printf(
                Locale.ROOT,
                "%-40s %-9s %6s %10s %12s %12s%n",
                "trace",
                "predictor",
                "points",
                "MAPE %",
                "MAE req",
                "ISL MAPE %");
        StringBuilder json = new StringBuilder("{\"interval_s\":" + interval + ",\"results\":[");
        for (int i = 0; i < scores.size(); i++) {
            Score s = scores.get(i);
            System.out.printf(
                    Locale.ROOT,
                    "%-40s %-9s %6d %10.1f %12.1f %12.1f%n",
                    s.trace(),
                    s.predictor(),
                    s.points(),
                    s.mapePct(),
                    s.maeRequests(),
                    s.islMapePct());
            json.append(i == 0 ? "" : ",")
                    .append(String.format(
                            Locale.ROOT,
                            "{\"trace\":\"%s\",\"predictor\":\"%s\",\"points\":%d,\"mape_pct\":%.2f,\"mae_requests\":%.2f,\"isl_mape_pct\":%.2f}",
                            s.trace(),
                            s.predictor(),
                            s.points(),
                            s.mapePct(),
                            s.maeRequests(),
                            s.islMapePct()));
        }
        System.out.println(json.append("]}"));
        return 0;
    }

    /** Feeds each interval, forecasts the next, compares. Uses Dynamo's default predictor parameters. */
    public static List<Score> score(String name, List<TraceBuckets.IntervalLoad> series, double interval) {
        List<Score> out = new ArrayList<>();
        for (String p : List.of("constant", "arima", "kalman", "prophet")) {
            PredictorSettings s =
                    new PredictorSettings(p, false, 50, 1.0, 0.1, 10.0, 5, (int) Math.round(86400 / interval));
            double[] req = errors(series, s, TraceBuckets.IntervalLoad::numRequests);
            double[] isl = errors(series, s, TraceBuckets.IntervalLoad::avgIsl);
            out.add(new Score(name, p, (int) req[2], req[0], req[1], isl[0]));
        }
        return out;
    }

    private static double[] errors(
            List<TraceBuckets.IntervalLoad> series,
            PredictorSettings s,
            ToDoubleFunction<TraceBuckets.IntervalLoad> f) {
        LoadPredictor pred = s.create();
        double ape = 0;
        double ae = 0;
        int n = 0;
        for (int i = 0; i + 1 < series.size(); i++) {
            pred.addDataPoint(f.applyAsDouble(series.get(i)));
            double forecast = pred.predictNext();
            double actual = f.applyAsDouble(series.get(i + 1));
            if (actual > 0) {
                ape += Math.abs(forecast - actual) / actual;
                ae += Math.abs(forecast - actual);
                n++;
            }
        }
        return new double[] {n == 0 ? Double.NaN : 100 * ape / n, n == 0 ? Double.NaN : ae / n, n};
    }
}
