package io.fleetplan.mocker.worker;

import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.WorkerGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A loopback client for a worker under test. */
final class WorkerClient implements AutoCloseable {

    final ManagedChannel channel;
    final WorkerGrpc.WorkerStub async;
    final WorkerGrpc.WorkerBlockingStub blocking;

    WorkerClient(int port) {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .build();
        async = WorkerGrpc.newStub(channel);
        blocking = WorkerGrpc.newBlockingStub(channel);
    }

    /** One streaming call: the responses so far, and a future of all of them (or the call's error). */
    record Call(List<GenerateResponse> got, CompletableFuture<List<GenerateResponse>> done) {
        List<GenerateResponse> get(long timeout, TimeUnit unit) throws Exception {
            return done.get(timeout, unit);
        }
    }

    /** Streams one request. */
    Call generate(GenerateRequest request) {
        CompletableFuture<List<GenerateResponse>> done = new CompletableFuture<>();
        List<GenerateResponse> got = new CopyOnWriteArrayList<>();
        async.generate(request, new StreamObserver<>() {
            @Override
            public void onNext(GenerateResponse value) {
                got.add(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(List.copyOf(got));
            }
        });
        return new Call(got, done);
    }

    static GenerateRequest request(String id, int prompt, int max) {
        return GenerateRequest.newBuilder()
                .setRequestId(id)
                .setPromptTokens(prompt)
                .setMaxTokens(max)
                .build();
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
