package io.fleetplan.router.bench;

import io.fleetplan.router.core.RouterConfig;
import io.fleetplan.router.frontend.FrontendConfig;
import io.fleetplan.router.frontend.FrontendServer;
import io.fleetplan.router.local.LocalRouter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * End-to-end latency the serving path adds: HTTP client -> Frontend (SSE) -> LocalRouter (gRPC) -> worker, all
 * on loopback in this JVM, with {@code streams} concurrent streams. Zero-work bench workers stamp each token
 * when it leaves; the client stamps it when its SSE chunk arrives; the difference is the added latency per
 * token. The request path (client send -> worker receive) is measured the same way.
 */
final class StreamLoadBench {

    record Result(int streams, int workers, long requests, long tokens, double seconds, double tokenP50Ms,
                  double tokenP99Ms, double tokenMaxMs, double requestPathP50Ms, double requestPathP99Ms,
                  double ttftAddedP99Ms, long errors, double cpuCores, Map<String, Long> cpuNanosByThread) {

        /** CPU of the whole process per delivered token, in microseconds. */
        double cpuUsPerToken() {
            return tokens == 0 ? 0 : cpuNanosByThread.values().stream().mapToLong(Long::longValue).sum() / 1e3 / tokens;
        }
    }

    static Result run(int streams, int workers, long itlMs, int maxTokens, int promptTokens, Duration warmup,
                      Duration measure) throws Exception {
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            LocalRouter router = new LocalRouter(new LocalRouter.Options("bench-pool", "bench-router", "127.0.0.1", 0,
                    0, RouterConfig.builder().seed(1).heartbeatTimeoutMs(60_000).build())).start();
            closeables.add(router);
            Map<String, BenchWorker> byId = new ConcurrentHashMap<>();
            for (int i = 0; i < workers; i++) {
                BenchWorker w = new BenchWorker("bw" + i, itlMs);
                closeables.add(w);
                w.register("127.0.0.1:" + router.grpcPort());
                byId.put("bw" + i, w);
            }
            FrontendServer frontend = new FrontendServer(FrontendConfig.singlePool("bench-model", "bench-pool",
                    "127.0.0.1:" + router.grpcPort(), 0)).start();
            closeables.add(frontend);
            URI uri = URI.create("http://127.0.0.1:" + frontend.port() + "/v1/chat/completions");
            StringBuilder prompt = new StringBuilder();
            for (int i = 0; i < promptTokens; i++) {
                prompt.append(i).append(',');
            }
            String body = "{\"model\":\"bench-model\",\"stream\":true,\"max_tokens\":" + maxTokens
                    + ",\"nvext\":{\"token_data\":[" + prompt.substring(0, prompt.length() - 1) + "]}}";
            byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
            byte[] head = ("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + bodyBytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] request = new byte[head.length + bodyBytes.length];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(bodyBytes, 0, request, head.length, bodyBytes.length);
            Histogram token = new ConcurrentHistogram(60_000_000_000L, 3);
            Histogram path = new ConcurrentHistogram(60_000_000_000L, 3);
            Histogram ttftAdded = new ConcurrentHistogram(60_000_000_000L, 3);
            AtomicBoolean recording = new AtomicBoolean(false);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong requests = new AtomicLong();
            AtomicLong tokens = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            List<Thread> users = new ArrayList<>();
            java.util.Random stagger = new java.util.Random(streams);
            for (int u = 0; u < streams; u++) {
                // independent users: first requests spread over one token interval, not all in the same instant
                long delayMs = stagger.nextLong(itlMs);
                users.add(Thread.ofVirtual().name("bench-user-" + u).start(() -> {
                    try {
                        Thread.sleep(delayMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                    Connection c = null;
                    while (running.get()) {
                        try {
                            if (c == null) {
                                c = new Connection(uri);
                            }
                            stream(c, request, byId, recording, token, path, ttftAdded, requests, tokens);
                        } catch (Exception e) {
                            if (errors.incrementAndGet() <= 3) {
                                System.err.println("stream error: " + e);
                            }
                            try {
                                if (c != null) {
                                    c.close();
                                }
                            } catch (java.io.IOException ignored) {
                                // reconnect below
                            }
                            c = null;
                        }
                    }
                    try {
                        if (c != null) {
                            c.close();
                        }
                    } catch (java.io.IOException ignored) {
                        // done
                    }
                }));
            }
            Thread.sleep(warmup.toMillis());
            recording.set(true);
            long start = System.nanoTime();
            ThreadCpu.Snapshot cpuStart = ThreadCpu.take();
            Thread.sleep(measure.toMillis());
            recording.set(false);
            Map<String, Long> cpu = ThreadCpu.delta(cpuStart, ThreadCpu.take());
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuCores = cpu.values().stream().mapToLong(Long::longValue).sum() / 1e9 / seconds;
            running.set(false);
            for (Thread t : users) {
                t.join(Duration.ofSeconds(30));
            }
            return new Result(streams, workers, requests.get(), tokens.get(), seconds,
                    ms(token.getValueAtPercentile(50)), ms(token.getValueAtPercentile(99)), ms(token.getMaxValue()),
                    ms(path.getValueAtPercentile(50)), ms(path.getValueAtPercentile(99)),
                    ms(ttftAdded.getValueAtPercentile(99)), errors.get(), cpuCores, cpu);
        } finally {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** A client connection kept open across requests, as OpenAI clients keep theirs. */
    private static final class Connection implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;

        Connection(URI uri) throws java.io.IOException {
            socket = new Socket(uri.getHost(), uri.getPort());
            socket.setTcpNoDelay(true);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }

    /**
     * One streamed request over a bare keep-alive socket (HTTP/1.1): a minimal client, so what is measured is the
     * Frontend's cost and not an HTTP client library's. SSE events arrive in chunked encoding; chunk size lines
     * are skipped, and the terminating chunk ends the response.
     */
    private static void stream(Connection c, byte[] request, Map<String, BenchWorker> workers,
                               AtomicBoolean recording, Histogram token, Histogram path, Histogram ttftAdded,
                               AtomicLong requests, AtomicLong tokens) throws Exception {
        long sent = System.nanoTime();
        c.socket.getOutputStream().write(request);
        c.socket.getOutputStream().flush();
        String status = c.in.readLine();
        if (status == null || !status.startsWith("HTTP/1.1 200")) {
            throw new IllegalStateException("status line " + status);
        }
        boolean rec = recording.get();
        String requestId = null;
        BenchWorker.Trace trace = null;
        int index = 0;
        boolean done = false;
        String line;
        while ((line = c.in.readLine()) != null) {
            if (done) {
                if (line.equals("0")) {
                    c.in.readLine(); // the empty line that ends the chunked body
                    break;
                }
                continue;
            }
            if (line.startsWith("data: [DONE]")) {
                done = true;
                continue;
            }
            if (!line.startsWith("data: {") || !line.contains("\"content\":\"")) {
                continue;
            }
            long now = System.nanoTime();
            if (requestId == null) {
                int at = line.indexOf("\"id\":\"") + 6;
                requestId = line.substring(at, line.indexOf('"', at));
                trace = find(workers, requestId);
            }
            if (trace != null && rec && index < trace.sentNanos().length) {
                long sentAt = trace.sentNanos()[index];
                token.recordValue(Math.max(0, now - sentAt));
                if (index == 0) {
                    long requestPath = Math.max(0, trace.arrivedNanos() - sent);
                    path.recordValue(requestPath);
                    ttftAdded.recordValue(requestPath + Math.max(0, now - sentAt));
                }
                tokens.incrementAndGet();
            }
            index++;
        }
        if (!done) {
            throw new IllegalStateException("stream ended without [DONE]");
        }
        if (rec) {
            requests.incrementAndGet();
        }
        if (requestId != null) {
            for (BenchWorker w : workers.values()) {
                w.traces.remove(requestId);
            }
        }
    }

    private static BenchWorker.Trace find(Map<String, BenchWorker> workers, String requestId) {
        for (BenchWorker w : workers.values()) {
            BenchWorker.Trace t = w.traces.get(requestId);
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    private StreamLoadBench() {
    }
}
