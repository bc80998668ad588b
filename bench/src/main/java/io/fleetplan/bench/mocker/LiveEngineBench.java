package io.fleetplan.bench.mocker;

import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.worker.MockerWorker;
import io.fleetplan.mocker.worker.WorkerSettings;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.WorkerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Live timing fidelity: one in-process worker at speedup 1 on loopback gRPC, kept at {@code streams}
 * concurrent Generate calls (a finished call is replaced at once). Reports how late tokens leave the worker
 * compared with their modelled times, and the CPU the worker's own threads used.
 */
public final class LiveEngineBench {

    /**
     * @param streams concurrent Generate calls
     * @param isl prompt tokens
     * @param osl output tokens
     * @param warmupSeconds excluded from the figures
     * @param seconds measured window
     */
    public record Setup(int streams, int isl, int osl, double warmupSeconds, double seconds) {}

    /**
     * @param tokens tokens received by the clients in the window
     * @param requests calls finished in the window
     * @param p50Ms median token emission error, ms
     * @param p99Ms 99th percentile, ms
     * @param maxMs maximum, ms
     * @param workerCpuCores CPU seconds of the worker's threads per wall second
     * @param seconds length of the window
     * @param sendSpacingP50Ns median over iterations of the mean wall time between two consecutive token sends
     *     of one iteration, ns (the per-token cost of the send path; the last token of an n-token iteration
     *     leaves about n times this after the first)
     * @param sendSpacingP90Ns the same, 90th percentile over iterations
     * @param workerCpuNsPerToken CPU ns of the worker's threads per token streamed (engine, sends, HTTP/2
     *     writes, request handling and the pre-deadline spin-wait)
     * @param workerAllocBytesPerToken bytes allocated by the worker's threads per token streamed
     * @param workerRunQueueMsPerS ms per wall second the worker's threads were runnable but waiting for a CPU
     *     (Linux schedstat; -1 elsewhere): time the machine, not the worker, made tokens late
     * @param firstTokenP50Ms per iteration, the emission error of its first token (how late its sends began),
     *     median over iterations, ms
     * @param firstTokenP99Ms the same, 99th percentile over iterations, ms
     * @param otherCpuCores CPU of the rest of this process (the bench's gRPC client, JIT, GC) per wall second
     * @param gcPauses garbage collections in the window (this JVM: worker and bench client)
     * @param gcMs time spent in them, ms
     * @param writtenP50Ms per iteration, when the flush after its sends had written all its tokens to the socket,
     *     minus their modelled time, median over iterations, ms
     * @param writtenP99Ms the same, 99th percentile over iterations, ms
     * @param jitMs time the JIT compilers spent in the window (this JVM), ms; -1 if unknown
     */
    public record Result(
            long tokens,
            long requests,
            double p50Ms,
            double p99Ms,
            double maxMs,
            double workerCpuCores,
            double seconds,
            double sendSpacingP50Ns,
            double sendSpacingP90Ns,
            double workerCpuNsPerToken,
            double workerAllocBytesPerToken,
            double workerRunQueueMsPerS,
            double firstTokenP50Ms,
            double firstTokenP99Ms,
            double otherCpuCores,
            long gcPauses,
            double gcMs,
            double writtenP50Ms,
            double writtenP99Ms,
            double jitMs) {}

    private LiveEngineBench() {}

    public static Result run(Setup setup) throws Exception {
        EngineConfig config = EngineConfig.builder().speedupRatio(1).build();
        WorkerSettings settings = WorkerSettings.loopback(config);
        settings = new WorkerSettings(
                config, "bench", "127.0.0.1", "127.0.0.1", 0, -1, null, "bench", 1, false, settings.drainGrace());
        try (MockerWorker worker = MockerWorker.start(settings)) {
            // the client's callbacks only count and start the next call: run them on the client's event loop
            // (direct executor) instead of hopping each message to a thread pool, so the load generator takes
            // as little of the machine's CPU from the worker as it can
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", worker.grpcPort())
                    .usePlaintext()
                    .directExecutor()
                    .build();
            WorkerGrpc.WorkerStub stub = WorkerGrpc.newStub(channel);
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong tokens = new AtomicLong();
            AtomicLong finished = new AtomicLong();
            AtomicLong ids = new AtomicLong();
            for (int i = 0; i < setup.streams(); i++) {
                startCall(stub, setup, ids, tokens, finished, running);
            }
            Thread.sleep((long) (setup.warmupSeconds() * 1000));
            worker.emissionStats().reset();
            long tokens0 = tokens.get();
            long finished0 = finished.get();
            WorkerThreads.Sample before = WorkerThreads.sample(worker.threadNamePrefix());
            long process0 = WorkerThreads.processCpuNanos();
            long[] gc0 = WorkerThreads.gc();
            long jit0 = WorkerThreads.jitMillis();
            long t0 = System.nanoTime();
            Thread.sleep((long) (setup.seconds() * 1000));
            double wall = (System.nanoTime() - t0) / 1e9;
            WorkerThreads.Sample after = WorkerThreads.sample(worker.threadNamePrefix());
            long process1 = WorkerThreads.processCpuNanos();
            long[] gc1 = WorkerThreads.gc();
            long jit1 = WorkerThreads.jitMillis();
            Histogram first = worker.emissionStats().snapshotFirstMicros();
            Histogram written = worker.emissionStats().snapshotWrittenMicros();
            Histogram errors = worker.emissionStats().snapshotMicros();
            Histogram spacing = worker.emissionStats().snapshotSpacingNanos();
            long tokenCount = tokens.get() - tokens0;
            long requestCount = finished.get() - finished0;
            running.set(false);
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
            WorkerThreads.Sample used = after.minus(before);
            double perToken = Math.max(1, tokenCount);
            return new Result(
                    tokenCount,
                    requestCount,
                    errors.getValueAtPercentile(50) / 1000.0,
                    errors.getValueAtPercentile(99) / 1000.0,
                    errors.getMaxValue() / 1000.0,
                    used.cpuNanos() / 1e9 / wall,
                    wall,
                    spacing.getValueAtPercentile(50),
                    spacing.getValueAtPercentile(90),
                    used.cpuNanos() / perToken,
                    used.allocatedBytes() / perToken,
                    used.runQueueNanos() < 0 ? -1 : used.runQueueNanos() / 1e6 / wall,
                    first.getValueAtPercentile(50) / 1000.0,
                    first.getValueAtPercentile(99) / 1000.0,
                    Math.max(0, process1 - process0 - used.cpuNanos()) / 1e9 / wall,
                    gc1[0] - gc0[0],
                    gc1[1] - gc0[1],
                    written.getValueAtPercentile(50) / 1000.0,
                    written.getValueAtPercentile(99) / 1000.0,
                    jit0 < 0 || jit1 < 0 ? -1 : jit1 - jit0);
        }
    }

    private static void startCall(
            WorkerGrpc.WorkerStub stub,
            Setup setup,
            AtomicLong ids,
            AtomicLong tokens,
            AtomicLong finished,
            AtomicBoolean running) {
        if (!running.get()) {
            return;
        }
        GenerateRequest request = GenerateRequest.newBuilder()
                .setRequestId("b" + ids.incrementAndGet())
                .setPromptTokens(setup.isl())
                .setMaxTokens(setup.osl())
                .build();
        stub.generate(request, new StreamObserver<>() {
            @Override
            public void onNext(GenerateResponse value) {
                tokens.addAndGet(value.getTokenIdsCount());
            }

            @Override
            public void onError(Throwable t) {
                // cancelled at the end of the run
            }

            @Override
            public void onCompleted() {
                finished.incrementAndGet();
                startCall(stub, setup, ids, tokens, finished, running);
            }
        });
    }
}
