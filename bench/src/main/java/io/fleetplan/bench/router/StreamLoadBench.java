package io.fleetplan.bench.router;

import io.fleetplan.bench.machine.MachineCpu;
import io.fleetplan.bench.machine.RunQueueWait;
import io.fleetplan.router.core.RouterConfig;
import io.fleetplan.router.frontend.FrontendConfig;
import io.fleetplan.router.frontend.FrontendServer;
import io.fleetplan.router.local.LocalRouter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * End-to-end latency the serving path adds: HTTP client -> Frontend (SSE) -> LocalRouter (gRPC) -> worker, all
 * on loopback in this JVM, with {@code streams} concurrent streams. Zero-work bench workers stamp each token
 * when it leaves; the client ({@link SseUsers}) stamps it when its SSE event is read; the difference is the added
 * latency per token. The request path (client send -> worker receive) is measured the same way.
 */
final class StreamLoadBench {

    record Result(
            int streams,
            int workers,
            long requests,
            long tokens,
            double seconds,
            double tokenP50Ms,
            double tokenP90Ms,
            double tokenP99Ms,
            double tokenP999Ms,
            double tokenMaxMs,
            double requestPathP50Ms,
            double requestPathP99Ms,
            double ttftAddedP99Ms,
            long errors,
            double cpuCores,
            Map<String, Long> cpuNanosByThread,
            Map<String, Long> allocatedBytesByThread,
            Map<String, GcPauses.Collector> gcByCollector,
            Map<String, Long> runQueueNanosByThread,
            double machineCpuCores,
            double stealMsPerSecond,
            long[] lateTokensBySecond,
            double[] stealMsBySecond) {

        /**
         * Milliseconds per second the process's threads were runnable but waiting for a CPU (summed over threads,
         * so it can exceed 1000); -1 where the OS does not say (not Linux).
         */
        double runQueueMsPerSecond() {
            return runQueueNanosByThread.isEmpty() ? -1 : sum(runQueueNanosByThread) / 1e6 / seconds;
        }

        /** CPU of the whole process per delivered token, in microseconds. */
        double cpuUsPerToken() {
            return tokens == 0 ? 0 : sum(cpuNanosByThread) / 1e3 / tokens;
        }

        /** Heap bytes the process's Java threads allocated per delivered token. */
        double allocBytesPerToken() {
            return tokens == 0 ? 0 : (double) sum(allocatedBytesByThread) / tokens;
        }

        /** Heap allocation rate of the process, MB (10^6 bytes) per second. */
        double allocMbPerSecond() {
            return sum(allocatedBytesByThread) / 1e6 / seconds;
        }

        GcPauses.Collector gc() {
            return GcPauses.total(gcByCollector);
        }

        private static long sum(Map<String, Long> m) {
            return m.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static Result run(
            int streams, int workers, long itlMs, int maxTokens, int promptTokens, Duration warmup, Duration measure)
            throws Exception {
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            LocalRouter router = new LocalRouter(new LocalRouter.Options(
                            "bench-pool",
                            "bench-router",
                            "127.0.0.1",
                            0,
                            0,
                            RouterConfig.builder()
                                    .seed(1)
                                    .heartbeatTimeoutMs(60_000)
                                    .build()))
                    .start();
            closeables.add(router);
            Map<String, BenchWorker> byId = new ConcurrentHashMap<>();
            for (int i = 0; i < workers; i++) {
                BenchWorker w = new BenchWorker("bw" + i, itlMs);
                closeables.add(w);
                w.register("127.0.0.1:" + router.grpcPort());
                byId.put("bw" + i, w);
            }
            FrontendServer frontend = new FrontendServer(
                            FrontendConfig.singlePool("bench-model", "bench-pool", "127.0.0.1:" + router.grpcPort(), 0))
                    .start();
            closeables.add(frontend);
            StringBuilder prompt = new StringBuilder();
            for (int i = 0; i < promptTokens; i++) {
                prompt.append(i).append(',');
            }
            String body = "{\"model\":\"bench-model\",\"stream\":true,\"max_tokens\":" + maxTokens
                    + ",\"nvext\":{\"token_data\":[" + prompt.substring(0, prompt.length() - 1) + "]}}";
            SseUsers.Stats stats = new SseUsers.Stats(
                    new ConcurrentHistogram(60_000_000_000L, 3),
                    new ConcurrentHistogram(60_000_000_000L, 3),
                    new ConcurrentHistogram(60_000_000_000L, 3));
            stats.recording.set(true); // through the warm-up as well: see Stats.restart
            SseUsers users = new SseUsers(
                    "127.0.0.1",
                    frontend.port(),
                    "/v1/chat/completions",
                    body.getBytes(StandardCharsets.UTF_8),
                    byId,
                    stats,
                    streams,
                    maxTokens * itlMs);
            closeables.add(users);
            Thread.sleep(warmup.toMillis());
            // the start snapshots before the window opens: their own work (thread queries, /proc reads) stays out
            ThreadCpu.Snapshot cpuStart = ThreadCpu.take();
            Map<Integer, RunQueueWait.Task> waitStart = RunQueueWait.snapshot();
            MachineCpu machineStart = MachineCpu.snapshot();
            long start;
            Map<String, GcPauses.Collector> gc;
            ThreadCpu.Snapshot cpuEnd;
            Map<Integer, RunQueueWait.Task> waitEnd;
            MachineCpu machineEnd;
            double[] stealMsBySecond;
            try (GcPauses pauses = new GcPauses()) {
                users.startWindow();
                start = System.nanoTime();
                // second by second, so that tokens which missed the target can be set beside what the host stole
                int wholeSeconds = (int) Math.max(1, measure.toSeconds());
                stealMsBySecond = new double[wholeSeconds];
                MachineCpu previous = machineStart;
                for (int i = 0; i < wholeSeconds; i++) {
                    Thread.sleep(Math.max(0, (start + (i + 1) * 1_000_000_000L - System.nanoTime()) / 1_000_000));
                    MachineCpu now = MachineCpu.snapshot();
                    stealMsBySecond[i] = now.stealMsPerSecondSince(previous, 1.0);
                    previous = now;
                }
                stats.recording.set(false);
                cpuEnd = ThreadCpu.take();
                waitEnd = RunQueueWait.snapshot();
                machineEnd = previous; // the last second's snapshot closes the window
                gc = pauses.since();
            }
            Map<String, Long> cpu = ThreadCpu.delta(cpuStart, cpuEnd);
            Map<String, Long> allocated = ThreadCpu.allocatedDelta(cpuStart, cpuEnd);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuCores = cpu.values().stream().mapToLong(Long::longValue).sum() / 1e9 / seconds;
            if (!users.stop(30_000)) {
                System.err.println("some streams did not end within 30 s");
            }
            Histogram token = stats.token;
            Histogram path = stats.path;
            Histogram ttftAdded = stats.ttftAdded;
            AtomicLong requests = stats.requests;
            AtomicLong tokens = stats.tokens;
            AtomicLong errors = stats.errors;
            return new Result(
                    streams,
                    workers,
                    requests.get(),
                    tokens.get(),
                    seconds,
                    ms(token.getValueAtPercentile(50)),
                    ms(token.getValueAtPercentile(90)),
                    ms(token.getValueAtPercentile(99)),
                    ms(token.getValueAtPercentile(99.9)),
                    ms(token.getMaxValue()),
                    ms(path.getValueAtPercentile(50)),
                    ms(path.getValueAtPercentile(99)),
                    ms(ttftAdded.getValueAtPercentile(99)),
                    errors.get(),
                    cpuCores,
                    cpu,
                    allocated,
                    gc,
                    ThreadCpu.grouped(RunQueueWait.delta(waitStart, waitEnd)),
                    machineEnd.busyCoresSince(machineStart, seconds),
                    machineEnd.stealMsPerSecondSince(machineStart, seconds),
                    lateBySecond(stats, stealMsBySecond.length),
                    stealMsBySecond);
        } finally {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
        }
    }

    /** Late tokens per measured second (the window's last fraction of a second counts in its last one). */
    private static long[] lateBySecond(SseUsers.Stats stats, int seconds) {
        long[] out = new long[seconds];
        for (int i = 0; i < stats.lateBySecond.length(); i++) {
            out[Math.min(i, seconds - 1)] += stats.lateBySecond.get(i);
        }
        return out;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private StreamLoadBench() {}
}
