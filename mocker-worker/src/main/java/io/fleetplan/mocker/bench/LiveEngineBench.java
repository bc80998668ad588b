package io.fleetplan.mocker.bench;

import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.worker.MockerWorker;
import io.fleetplan.mocker.worker.WorkerSettings;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.WorkerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
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
    public record Setup(int streams, int isl, int osl, double warmupSeconds, double seconds) {
    }

    /**
     * @param tokens tokens received by the clients in the window
     * @param requests calls finished in the window
     * @param p50Ms median token emission error, ms
     * @param p99Ms 99th percentile, ms
     * @param maxMs maximum, ms
     * @param workerCpuCores CPU seconds of the worker's threads per wall second
     * @param seconds length of the window
     */
    public record Result(long tokens, long requests, double p50Ms, double p99Ms, double maxMs, double workerCpuCores,
                         double seconds) {
    }

    private LiveEngineBench() {
    }

    public static Result run(Setup setup) throws Exception {
        EngineConfig config = EngineConfig.builder().speedupRatio(1).build();
        WorkerSettings settings = WorkerSettings.loopback(config);
        settings = new WorkerSettings(config, "bench", "127.0.0.1", "127.0.0.1", 0, -1, null, "bench", 1, false,
                settings.drainGrace());
        try (MockerWorker worker = MockerWorker.start(settings)) {
            ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", worker.grpcPort()).usePlaintext()
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
            Map<Long, Long> cpu0 = workerCpu(worker.threadNamePrefix());
            long t0 = System.nanoTime();
            Thread.sleep((long) (setup.seconds() * 1000));
            double wall = (System.nanoTime() - t0) / 1e9;
            Map<Long, Long> cpu1 = workerCpu(worker.threadNamePrefix());
            Histogram errors = worker.emissionStats().snapshotMicros();
            long tokenCount = tokens.get() - tokens0;
            long requestCount = finished.get() - finished0;
            running.set(false);
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
            long cpuNanos = 0;
            for (Map.Entry<Long, Long> e : cpu1.entrySet()) {
                cpuNanos += e.getValue() - cpu0.getOrDefault(e.getKey(), 0L);
            }
            return new Result(tokenCount, requestCount, errors.getValueAtPercentile(50) / 1000.0,
                    errors.getValueAtPercentile(99) / 1000.0, errors.getMaxValue() / 1000.0, cpuNanos / 1e9 / wall, wall);
        }
    }

    private static void startCall(WorkerGrpc.WorkerStub stub, Setup setup, AtomicLong ids, AtomicLong tokens,
                                  AtomicLong finished, AtomicBoolean running) {
        if (!running.get()) {
            return;
        }
        GenerateRequest request = GenerateRequest.newBuilder().setRequestId("b" + ids.incrementAndGet())
                .setPromptTokens(setup.isl()).setMaxTokens(setup.osl()).build();
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

    private static Map<Long, Long> workerCpu(String prefix) {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix)) {
                long cpu = bean.getThreadCpuTime(t.threadId());
                if (cpu >= 0) {
                    out.put(t.threadId(), cpu);
                }
            }
        }
        return out;
    }
}
