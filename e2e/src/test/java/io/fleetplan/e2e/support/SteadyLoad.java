package io.fleetplan.e2e.support;

import io.fleetplan.cli.load.Outcome;
import io.fleetplan.cli.load.PromptTokens;
import io.fleetplan.cli.load.StreamingClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Requests at a fixed rate until stopped, each one remembered with when it was sent and when it ended (times from
 * {@code clock}, milliseconds), so failures can be laid against the moments faults were injected.
 */
public final class SteadyLoad implements AutoCloseable {

    /** One request: sent and ended at (ms on the caller's clock), and how it went. */
    public record Sent(long sentMs, long endMs, boolean ok, String error) {

        /** In flight at {@code atMs}. */
        public boolean spans(long atMs) {
            return sentMs <= atMs && endMs >= atMs;
        }
    }

    private final List<Sent> done = new CopyOnWriteArrayList<>();
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread pacer;
    private volatile boolean stopped;

    public SteadyLoad(String baseUrl, String model, double rps, int isl, int osl, LongSupplier clockMs) {
        this(baseUrl, model, rps, isl, osl, clockMs, 0);
    }

    /** Request ids (which make each prompt unique) from {@code firstId}: after a trace's, none shares its prompt. */
    public SteadyLoad(String baseUrl, String model, double rps, int isl, int osl, LongSupplier clockMs, long firstId) {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        StreamingClient client =
                new StreamingClient(http, URI.create(baseUrl + "/v1/completions"), model, Duration.ofSeconds(60));
        long periodNanos = (long) (1e9 / rps);
        pacer = Thread.ofPlatform().daemon().name("steady-load").start(() -> {
            long next = System.nanoTime();
            for (long i = firstId; !stopped; i++) {
                long id = i;
                requests.submit(() -> {
                    long sent = clockMs.getAsLong();
                    Outcome o = client.send(PromptTokens.of(isl, null, 16, id), osl, 0);
                    done.add(new Sent(sent, clockMs.getAsLong(), o.ok(), o.error()));
                });
                next += periodNanos;
                LockSupport.parkNanos(next - System.nanoTime());
            }
        });
    }

    public List<Sent> done() {
        return List.copyOf(done);
    }

    /** Stops sending and waits (bounded by the request timeout) for those in flight. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        pacer.join();
        requests.shutdown();
        requests.awaitTermination(70, TimeUnit.SECONDS);
    }
}
