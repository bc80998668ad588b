package io.fleetplan.bench.router;

import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.router.core.BlockHasher;
import io.fleetplan.router.core.KvEvent;
import io.fleetplan.router.core.PoolRouter;
import io.fleetplan.router.core.RouteDecision;
import io.fleetplan.router.core.RouteRequest;
import io.fleetplan.router.core.RouterConfig;
import io.fleetplan.router.core.WorkerSpec;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Router decision time on the pure {@link PoolRouter}: {@code workers} workers whose prefix index is filled the
 * way engines fill it (each routed prompt is stored on its worker; the oldest prompts are evicted once a worker
 * caches {@code blocksPerWorker} blocks), requests with shared prefixes (conversation families) and unique tails,
 * about {@code inFlightPerWorker} requests in flight per worker. Only {@code route()} is timed.
 */
final class DecisionBench {

    record Result(
            int workers,
            long indexedBlocks,
            long indexNodes,
            long decisions,
            double p50Us,
            double p99Us,
            double p999Us,
            double maxUs,
            double meanOverlapBlocks,
            double hashP50Us) {}

    static Result run(int workers, int blocksPerWorker, int families, int warmup, int measured, long seed) {
        int blockSize = 64;
        VirtualScheduler clock = new VirtualScheduler();
        PoolRouter router = new PoolRouter(
                RouterConfig.builder()
                        .blockSize(blockSize)
                        .seed(seed)
                        .heartbeatTimeoutMs(3_600_000)
                        .build(),
                clock.clock(),
                new SplittableRandom(seed));
        for (int w = 0; w < workers; w++) {
            router.register(new WorkerSpec("w" + w, null, "bench", "", blockSize, 16384, 8192, 256));
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        long[][] familyPrefix = new long[families][];
        for (int f = 0; f < families; f++) {
            familyPrefix[f] = chain(rnd.nextLong(), 8 + rnd.nextInt(57));
        }
        @SuppressWarnings("unchecked")
        ArrayDeque<long[]>[] cached = new ArrayDeque[workers];
        for (int w = 0; w < workers; w++) {
            cached[w] = new ArrayDeque<>();
        }
        ArrayDeque<String> inFlight = new ArrayDeque<>();
        int maxInFlight = workers * 32;
        Histogram latency = new Histogram(10_000_000_000L, 3);
        long overlapSum = 0;
        for (int i = 0; i < warmup + measured; i++) {
            long[] prefix = familyPrefix[(int) Math.min(families - 1, Math.abs(rnd.nextGaussian()) * families / 3)];
            int tail = 4 + rnd.nextInt(60);
            long[] hashes = Arrays.copyOf(prefix, prefix.length + tail);
            long h = prefix[prefix.length - 1];
            for (int t = prefix.length; t < hashes.length; t++) {
                h = h * 0x9E3779B97F4A7C15L + rnd.nextLong();
                hashes[t] = h;
            }
            String id = "r" + i;
            RouteRequest req = RouteRequest.of(id, hashes, hashes.length * blockSize + rnd.nextInt(blockSize));
            long start = System.nanoTime();
            RouteDecision d = router.route(req);
            long took = System.nanoTime() - start;
            if (i >= warmup) {
                latency.recordValue(took);
                overlapSum += d.overlapBlocks();
            }
            int w = Integer.parseInt(d.workerId().substring(1));
            router.applyKvEvent(d.workerId(), new KvEvent.Stored(false, 0, hashes, hashes));
            // engines evict unshared tails first and keep hot prefixes: the unique tails are what gets evicted
            long[] tailOnly = Arrays.copyOfRange(hashes, prefix.length, hashes.length);
            cached[w].addLast(tailOnly);
            while (router.index().treeSize(w) > blocksPerWorker && !cached[w].isEmpty()) {
                long[] old = cached[w].pollFirst();
                router.applyKvEvent(d.workerId(), new KvEvent.Removed(old));
            }
            router.firstToken(id);
            inFlight.addLast(id);
            if (inFlight.size() > maxInFlight) {
                router.finished(inFlight.pollFirst());
            }
        }
        long indexed = 0;
        for (int w = 0; w < workers; w++) {
            indexed += router.index().treeSize(w);
        }
        Histogram hashing = new Histogram(10_000_000_000L, 3);
        int[] tokens = new int[4096];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(50_000);
        }
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            tokens[i % tokens.length] = i;
            long s = System.nanoTime();
            sink += BlockHasher.hash(tokens, blockSize)[0];
            hashing.recordValue(System.nanoTime() - s);
        }
        if (sink == 42) {
            System.out.print("");
        }
        return new Result(
                workers,
                indexed,
                router.index().nodeCount(),
                latency.getTotalCount(),
                latency.getValueAtPercentile(50) / 1000.0,
                latency.getValueAtPercentile(99) / 1000.0,
                latency.getValueAtPercentile(99.9) / 1000.0,
                latency.getMaxValue() / 1000.0,
                overlapSum / (double) Math.max(1, latency.getTotalCount()),
                hashing.getValueAtPercentile(50) / 1000.0);
    }

    private static long[] chain(long seed, int n) {
        long[] out = new long[n];
        long h = seed;
        for (int i = 0; i < n; i++) {
            h = h * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L + i;
            out[i] = h;
        }
        return out;
    }

    private DecisionBench() {}
}
