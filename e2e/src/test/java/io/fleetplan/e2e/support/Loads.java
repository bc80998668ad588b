package io.fleetplan.e2e.support;

import io.fleetplan.cli.load.LoadRunner;
import io.fleetplan.cli.load.LoadStats;
import io.fleetplan.cli.load.StreamingClient;
import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceFormat;
import io.fleetplan.sim.trace.TraceRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/** Client load for e2e tests, through the same code as {@code fleetplan load}. */
public final class Loads {

    private Loads() {}

    /** One phase of a load shape: {@code rps} requests per second for {@code seconds}. */
    public record Phase(double rps, double seconds) {}

    /** Evenly spaced requests following the phases back to back. */
    public static Trace trace(int isl, int osl, Phase... phases) {
        List<TraceRequest> rows = new ArrayList<>();
        double t = 0;
        for (Phase p : phases) {
            double end = t + p.seconds();
            if (p.rps() > 0) {
                for (double at = t; at < end; at += 1.0 / p.rps()) {
                    rows.add(new TraceRequest((long) (at * 1e9), isl, osl, null));
                }
            }
            t = end;
        }
        return new Trace("e2e-ramp", TraceFormat.SYNTHETIC, rows, 0, 0);
    }

    /** Replays {@code trace} against the OpenAI endpoint at {@code baseUrl} in the background. */
    public static CompletableFuture<LoadStats> replay(String baseUrl, String model, Trace trace) {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        StreamingClient client =
                new StreamingClient(http, URI.create(baseUrl + "/v1/completions"), model, Duration.ofSeconds(60));
        LoadStats stats = new LoadStats(trace.requests().size());
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return new LoadRunner(client, 512, Duration.ofSeconds(60)).run(trace, stats);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                },
                Executors.newVirtualThreadPerTaskExecutor());
    }
}
