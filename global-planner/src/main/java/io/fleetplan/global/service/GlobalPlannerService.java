package io.fleetplan.global.service;

import io.fleetplan.global.arbiter.Decision;
import io.fleetplan.global.arbiter.Proposal;
import io.fleetplan.global.ha.Leadership;
import io.fleetplan.proto.v1.GetStateRequest;
import io.fleetplan.proto.v1.GlobalPlannerGrpc;
import io.fleetplan.proto.v1.PlannerState;
import io.fleetplan.proto.v1.ScaleDecision;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.WatchDecisionsRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * The {@code fleetplan.v1.GlobalPlanner} gRPC service: checks leadership, fields and identity on the calling
 * thread, then queues the proposal to the arbiter ({@link PlannerCore}). Refusals change no state.
 */
public final class GlobalPlannerService extends GlobalPlannerGrpc.GlobalPlannerImplBase {

    /** Trailer that carries the leader's address on UNAVAILABLE from a follower. */
    public static final Metadata.Key<String> LEADER = Metadata.Key.of("x-fleetplan-leader", Metadata.ASCII_STRING_MARSHALLER);

    private final PlannerCore core;
    private final Authorizer auth;
    private final ProposalValidator validator;
    private final Leadership leadership;
    private final AuditLog audit;
    private final PlannerMetrics metrics;
    private final InstantSource clock;
    private final boolean noOperation;

    public GlobalPlannerService(PlannerCore core, Authorizer auth, ProposalValidator validator, Leadership leadership,
            AuditLog audit, PlannerMetrics metrics, InstantSource clock, boolean noOperation) {
        this.core = core;
        this.auth = auth;
        this.validator = validator;
        this.leadership = leadership;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
        this.noOperation = noOperation;
    }

    @Override
    public void propose(ScaleProposal req, StreamObserver<ScaleDecision> obs) {
        long start = System.nanoTime();
        Optional<Status> notServing = notServing();
        if (notServing.isPresent()) {
            refuse(obs, notServing.get(), req, "-", start);
            return;
        }
        List<String> problems = validator.problems(req);
        if (!problems.isEmpty()) {
            refuse(obs, Status.INVALID_ARGUMENT.withDescription(String.join("; ", problems)), req, "-", start);
            return;
        }
        Optional<Caller> caller = identify();
        if (caller.isEmpty()) {
            refuse(obs, unauthenticated(), req, "-", start);
            return;
        }
        Optional<String> nsDenied = auth.checkNamespace(caller.get(), req.getCallerNamespace());
        if (nsDenied.isPresent()) {
            refuse(obs, Status.PERMISSION_DENIED.withDescription(nsDenied.get()), req, caller.get().name(), start);
            return;
        }
        Proposal p = WireMapping.proposal(req, noOperation);
        // the answer is sent from the arbiter's thread once its batch is audited (see PlannerCore#loop)
        core.propose(p, caller.get(), auth, req.getBlocking()).whenComplete((answer, error) -> {
            if (error != null) {
                refuse(obs, Status.INTERNAL.withDescription(error.toString()), req, caller.get().name(), start);
                return;
            }
            switch (answer.kind()) {
                case INVALID -> refuse(obs, Status.INVALID_ARGUMENT.withDescription(answer.message()), req,
                        caller.get().name(), start);
                case DENIED -> refuse(obs, Status.PERMISSION_DENIED.withDescription(answer.message()), req,
                        caller.get().name(), start);
                case DECIDED -> {
                    Decision d = answer.decision();
                    obs.onNext(WireMapping.decision(d));
                    obs.onCompleted();
                    metrics.answered(d.status(), (System.nanoTime() - start) / 1e9);
                }
            }
        });
    }

    @Override
    public void watchDecisions(WatchDecisionsRequest req, StreamObserver<ScaleDecision> obs) {
        Optional<Status> notServing = notServing();
        if (notServing.isPresent()) {
            obs.onError(notServing.get().asRuntimeException(leaderTrailer()));
            return;
        }
        if (req.getPoolId().isBlank()) {
            obs.onError(Status.INVALID_ARGUMENT.withDescription(
                    "pool_id: is required ({k8s_namespace}/{graph_deployment_name} or the pool_id used in proposals)")
                    .asRuntimeException());
            return;
        }
        Optional<Caller> caller = identify();
        if (caller.isEmpty()) {
            obs.onError(unauthenticated().asRuntimeException());
            return;
        }
        Optional<String> nsDenied = auth.checkNamespace(caller.get(), req.getCallerNamespace());
        if (nsDenied.isPresent() || !auth.mayWatch(caller.get(), req.getPoolId())) {
            obs.onError(Status.PERMISSION_DENIED.withDescription(nsDenied.orElse("caller '" + caller.get().name()
                    + "' may not watch pool " + req.getPoolId())).asRuntimeException());
            return;
        }
        ServerCallStreamObserver<ScaleDecision> server = (ServerCallStreamObserver<ScaleDecision>) obs;
        Runnable unsubscribe = core.watch(req.getPoolId(), new PlannerCore.WatchSink() {
            @Override
            public void send(Decision d) {
                if (!server.isCancelled()) {
                    server.onNext(WireMapping.decision(d));
                }
            }

            @Override
            public void end(String why) {
                if (!server.isCancelled()) {
                    server.onError(Status.UNAVAILABLE.withDescription(why).asRuntimeException(leaderTrailer()));
                }
            }
        });
        server.setOnCancelHandler(unsubscribe);
    }

    @Override
    public void getState(GetStateRequest req, StreamObserver<PlannerState> obs) {
        core.state().whenComplete((s, error) -> {
            if (error != null) {
                obs.onError(Status.INTERNAL.withDescription(error.toString()).asRuntimeException());
                return;
            }
            PlannerState.Builder b = PlannerState.newBuilder().setBudget(WireMapping.budget(s.budget()))
                    .setLeader(leadership.isLeader() && core.ready()).setLeaderAddress(leadership.leaderAddress())
                    .putAllNamespaceCommittedGpus(s.committedByNamespace());
            s.entries().forEach(v -> b.addEntries(WireMapping.entry(v)));
            obs.onNext(b.build());
            obs.onCompleted();
        });
    }

    private Optional<Status> notServing() {
        if (!leadership.isLeader()) {
            String leader = leadership.leaderAddress();
            return Optional.of(Status.UNAVAILABLE.withDescription("not the leader; the leader is at "
                    + (leader.isEmpty() ? "(unknown, election in progress)" : leader)));
        }
        if (!core.ready()) {
            return Optional.of(Status.UNAVAILABLE.withDescription("rebuilding the ledger from the cluster; retry shortly"));
        }
        return Optional.empty();
    }

    private Metadata leaderTrailer() {
        Metadata m = new Metadata();
        if (!leadership.leaderAddress().isEmpty()) {
            m.put(LEADER, leadership.leaderAddress());
        }
        return m;
    }

    private Optional<Caller> identify() {
        Credentials c = CallerInterceptor.CREDENTIALS.get();
        return auth.identify(c == null ? Credentials.NONE : c);
    }

    private Status unauthenticated() {
        return Status.UNAUTHENTICATED.withDescription("no known caller identity: send 'authorization: Bearer TOKEN' "
                + "with a token listed in callers, or a client certificate whose name is listed there");
    }

    private void refuse(StreamObserver<ScaleDecision> obs, Status status, ScaleProposal req, String caller, long start) {
        // a follower's redirects are not decisions; everything else refused is audited
        if (status.getCode() != Status.Code.UNAVAILABLE) {
            audit.refused(clock.instant(), status.getCode().name(), caller, req.getCallerNamespace(),
                req.getK8SNamespace() + "/" + req.getGraphDeploymentName(), req.getProposalId(), status.getDescription());
        }
        metrics.refused(status.getCode().name(), (System.nanoTime() - start) / 1e9);
        obs.onError(status.asRuntimeException(status.getCode() == Status.Code.UNAVAILABLE ? leaderTrailer() : new Metadata()));
    }
}
