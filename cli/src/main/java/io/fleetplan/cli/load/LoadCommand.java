package io.fleetplan.cli.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.common.cli.FleetplanSubcommand;
import io.fleetplan.common.cli.ProgressBar;
import io.fleetplan.sim.trace.TimeWindow;
import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceFormat;
import io.fleetplan.sim.trace.TraceOptions;
import io.fleetplan.sim.trace.TraceReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleetplan load}: replays a request trace against an OpenAI-compatible endpoint in real time and
 * summarizes TTFT / ITL / end-to-end latency and errors. Prompts are token ids, so each request's ISL is the
 * trace's exactly; {@code max_tokens} is its OSL.
 */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = "Replay a trace (Azure CSV, Mooncake JSONL, BurstGPT CSV) against an OpenAI-compatible endpoint "
                + "in real time; prints progress, a latency table and one JSON line of figures.")
public final class LoadCommand implements Callable<Integer>, FleetplanSubcommand {

    @Option(names = "--trace", required = true, paramLabel = "FILE", description = "Trace file.")
    Path trace;

    @Option(
            names = "--url",
            required = true,
            description = "Endpoint base, e.g. http://127.0.0.1:8000 (a trailing /v1 is accepted).")
    String url;

    @Option(
            names = "--rate-scale",
            defaultValue = "1.0",
            description = "Multiplies the arrival rate (2 = twice as fast; default: ${DEFAULT-VALUE}).")
    double rateScale;

    @Option(names = "--format", description = "azure, mooncake or burstgpt (default: detected from the file).")
    String format;

    @Option(
            names = "--window",
            paramLabel = "FROM:TO",
            description = "Part of the trace to replay, in trace time before scaling, e.g. 10m:15m or 0:120s.")
    String window;

    @Option(names = "--max-requests", defaultValue = "0", description = "Replay at most N requests (0 = all).")
    int maxRequests;

    @Option(
            names = "--duration",
            paramLabel = "SECONDS",
            description = "Stop sending after this many seconds of (scaled) trace time.")
    Double duration;

    @Option(
            names = "--max-isl",
            defaultValue = "0",
            description = "Clamp prompt lengths to N tokens (0 = as recorded).")
    int maxIsl;

    @Option(
            names = "--max-osl",
            defaultValue = "0",
            description = "Clamp output lengths to N tokens (0 = as recorded).")
    int maxOsl;

    @Option(names = "--model", description = "Model name (default: the first one /v1/models lists).")
    String model;

    @Option(
            names = "--max-in-flight",
            defaultValue = "1024",
            description = "Most concurrent requests (default: ${DEFAULT-VALUE}).")
    int maxInFlight;

    @Option(
            names = "--timeout",
            defaultValue = "300",
            description = "Per-request timeout, seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--skip-bad-rows", description = "Drop malformed trace rows instead of failing.")
    boolean skipBadRows;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxInFlight < 1
                || timeoutSeconds < 1
                || maxIsl < 0
                || maxOsl < 0
                || (duration != null && !(duration > 0))) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--max-in-flight and --timeout must be >= 1, --max-isl/--max-osl >= 0, --duration > 0");
        }
        TraceOptions options;
        TraceFormat fmt;
        try {
            options = TraceOptions.DEFAULTS
                    .withRateScale(rateScale)
                    .withSkipBadRows(skipBadRows)
                    .withMaxRequests(maxRequests);
            if (window != null) {
                options = options.withWindow(TimeWindow.parse(window));
            }
            fmt = format == null ? null : TraceFormat.of(format);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Trace t = TraceReader.read(trace, fmt, options); // window, limit and rate scale applied
        t = LoadShaping.shape(t, duration, maxIsl, maxOsl);
        if (t.requests().isEmpty()) {
            err.println("fleetplan load: no requests to send (trace " + trace
                    + " after --window/--duration/--max-requests)");
            return 2;
        }
        URI base = base(url);
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        String served = model != null ? model : firstModel(http, base);
        out.printf(
                Locale.ROOT,
                "fleetplan load: %d requests from %s (%s) over %.0f s (%.2f req/s) -> %s model %s%n",
                t.requests().size(),
                trace.getFileName(),
                t.format().label(),
                t.durationSeconds(),
                t.meanRate(),
                base,
                served);
        out.flush();
        StreamingClient client =
                new StreamingClient(http, base.resolve("/v1/completions"), served, Duration.ofSeconds(timeoutSeconds));
        LoadStats stats = new LoadStats(t.requests().size());
        long start = System.nanoTime();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().daemon().unstarted(r));
        ProgressBar bar = new ProgressBar(err, System.console() != null, System::nanoTime);
        if (!noProgress) {
            ticker.scheduleAtFixedRate(
                    () -> bar.show(
                            stats.okCount() + stats.failedCount(),
                            stats.total(),
                            progress(stats, (System.nanoTime() - start) / 1e9)),
                    1,
                    1,
                    TimeUnit.SECONDS);
        }
        try {
            new LoadRunner(client, maxInFlight, Duration.ofSeconds(timeoutSeconds)).run(t, stats);
        } finally {
            ticker.shutdownNow();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (!noProgress) {
            bar.finish(stats.okCount() + stats.failedCount(), stats.total(), progress(stats, elapsed));
        }
        out.print(stats.table(elapsed));
        out.println(new ObjectMapper().writeValueAsString(stats.figures(elapsed)));
        out.flush();
        return stats.failedCount() == 0 ? 0 : 1;
    }

    private static String progress(LoadStats s, double elapsedSeconds) {
        long done = s.okCount() + s.failedCount();
        return String.format(
                Locale.ROOT,
                "%d/%d sent, %d ok, %d failed, %d in flight, %.0f s",
                s.sentCount(),
                s.total(),
                s.okCount(),
                s.failedCount(),
                s.sentCount() - done,
                elapsedSeconds);
    }

    /** {@code http://host:port} from a URL that may end in / or /v1. */
    static URI base(String url) {
        String u = url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        if (u.endsWith("/v1")) {
            u = u.substring(0, u.length() - 3);
        }
        URI uri = URI.create(u);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "--url '" + url + "' must be an http(s) URL such as http://127.0.0.1:8000");
        }
        return uri;
    }

    private static String firstModel(HttpClient http, URI base) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(base.resolve("/v1/models"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode data = new ObjectMapper().readTree(r.body()).path("data");
            if (r.statusCode() == 200 && data.size() > 0) {
                return data.get(0).path("id").asText();
            }
            throw new IllegalStateException("GET " + base + "/v1/models answered " + r.statusCode() + ": " + r.body());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot reach " + base + "/v1/models (" + e.getMessage()
                            + "); is the endpoint up? (pass --model to skip this check)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
