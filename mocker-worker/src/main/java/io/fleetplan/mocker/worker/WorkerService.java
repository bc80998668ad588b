package io.fleetplan.mocker.worker;

import io.fleetplan.mocker.engine.EngineRequest;
import io.fleetplan.mocker.engine.MockEngine;
import io.fleetplan.mocker.engine.Role;
import io.fleetplan.mocker.engine.SubmitResult;
import io.fleetplan.proto.v1.DrainRequest;
import io.fleetplan.proto.v1.DrainResponse;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.GetInfoRequest;
import io.fleetplan.proto.v1.StreamEventsRequest;
import io.fleetplan.proto.v1.WorkerEvent;
import io.fleetplan.proto.v1.WorkerGrpc;
import io.fleetplan.proto.v1.WorkerInfo;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The gRPC {@code Worker} service: validates on the caller's thread, then hands work to the engine thread. */
final class WorkerService extends WorkerGrpc.WorkerImplBase {

    private final MockerWorker worker;
    private final AtomicLong generatedIds = new AtomicLong();

    WorkerService(MockerWorker worker) {
        this.worker = worker;
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> observer) {
        ServerCallStreamObserver<GenerateResponse> out = (ServerCallStreamObserver<GenerateResponse>) observer;
        if (worker.isDraining()) {
            out.onError(Status.UNAVAILABLE
                    .withDescription("worker " + worker.workerId() + " is draining")
                    .asRuntimeException());
            return;
        }
        EngineRequest parsed = ProtoMapping.toEngine(request);
        if (parsed.requestId().isEmpty()) {
            parsed = new EngineRequest(
                    "gen-" + generatedIds.incrementAndGet(),
                    parsed.model(),
                    parsed.promptTokens(),
                    parsed.maxTokens(),
                    parsed.tokenIds(),
                    parsed.blockHashes(),
                    parsed.handoff());
        }
        SubmitResult check = MockEngine.validate(worker.engineConfig(), parsed);
        if (!check.accepted()) {
            worker.metrics().error("invalid_message");
            out.onError(toStatus(check).asRuntimeException());
            return;
        }
        EngineRequest r = parsed;
        out.setOnCancelHandler(() -> worker.onEngine(() -> worker.engine().cancel(r.requestId())));
        int lastIndex = worker.engineConfig().role() == Role.PREFILL ? 0 : r.maxTokens() - 1;
        long seed = r.requestId().hashCode() * 0x9E3779B97F4A7C15L;
        worker.onEngine(() -> {
            if (out.isCancelled()) {
                return;
            }
            if (worker.isDraining()) {
                out.onError(Status.UNAVAILABLE
                        .withDescription("worker " + worker.workerId() + " is draining")
                        .asRuntimeException());
                return;
            }
            worker.bridge().open(r.requestId(), new WorkerBridge.Stream(out, lastIndex, seed));
            SubmitResult result = worker.engine().submit(r);
            if (!result.accepted()) {
                worker.bridge().discard(r.requestId());
                out.onError(toStatus(result).asRuntimeException());
            }
        });
    }

    static Status toStatus(SubmitResult r) {
        Status base = switch (r.outcome()) {
            case ACCEPTED -> Status.OK;
            case INVALID_ARGUMENT, TOO_LARGE -> Status.INVALID_ARGUMENT;
            case UNKNOWN_MODEL -> Status.NOT_FOUND;
            case DUPLICATE_ID -> Status.ALREADY_EXISTS;
            case STOPPED -> Status.UNAVAILABLE;
        };
        return base.withDescription(r.message());
    }

    @Override
    public void streamEvents(StreamEventsRequest request, StreamObserver<WorkerEvent> observer) {
        ServerCallStreamObserver<WorkerEvent> out = (ServerCallStreamObserver<WorkerEvent>) observer;
        out.setOnCancelHandler(() -> worker.onEngine(() -> worker.hub().remove(out)));
        worker.onEngine(() -> {
            if (out.isCancelled()) {
                return;
            }
            out.onNext(worker.bridge().event().setInfo(worker.info()).build());
            worker.hub().add(out, request.getIncludeKvEvents(), request.getIncludeFpm());
        });
    }

    @Override
    public void drain(DrainRequest request, StreamObserver<DrainResponse> observer) {
        Duration grace = request.getGracePeriodMs() == 0 ? null : Duration.ofMillis(request.getGracePeriodMs());
        worker.drain(grace, request.getExitWhenDrained()).whenComplete((response, error) -> {
            if (error != null) {
                observer.onError(Status.INTERNAL
                        .withDescription("drain failed: " + error)
                        .asRuntimeException());
            } else {
                observer.onNext(response);
                observer.onCompleted();
            }
        });
    }

    @Override
    public void getInfo(GetInfoRequest request, StreamObserver<WorkerInfo> observer) {
        observer.onNext(worker.info());
        observer.onCompleted();
    }
}
