package io.fleetplan.cli.load;

import io.fleetplan.sim.trace.Trace;
import io.fleetplan.sim.trace.TraceRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Replays a trace in real time: request {@code i} is sent at {@code start + arrival_i} (as late as the in-flight
 * cap forces, which shows as send lag), each on its own virtual thread. Returns when every request has finished
 * or timed out, so a run is bounded by the trace's duration plus one request timeout.
 */
public final class LoadRunner {

    private final StreamingClient client;
    private final int maxInFlight;
    private final Duration requestTimeout;

    public LoadRunner(StreamingClient client, int maxInFlight, Duration requestTimeout) {
        this.client = client;
        this.maxInFlight = maxInFlight;
        this.requestTimeout = requestTimeout;
    }

    public LoadStats run(Trace trace, LoadStats stats) throws InterruptedException {
        List<TraceRequest> requests = trace.requests();
        Semaphore slots = new Semaphore(maxInFlight);
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < requests.size(); i++) {
                TraceRequest r = requests.get(i);
                long due = start + r.arrivalNanos();
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                    if (Thread.interrupted()) {
                        throw new InterruptedException("load stopped");
                    }
                }
                slots.acquire();
                long late = Math.max(0, System.nanoTime() - due);
                int[] prompt = PromptTokens.of(r.inputTokens(), r.hashIds(), trace.blockSize(), i);
                stats.sent();
                pool.submit(() -> {
                    try {
                        stats.record(client.send(prompt, r.outputTokens(), late));
                    } finally {
                        slots.release();
                    }
                });
            }
            // bounded: every request has a timeout, so this wait ends
            if (!slots.tryAcquire(maxInFlight, requestTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        }
        return stats;
    }
}
