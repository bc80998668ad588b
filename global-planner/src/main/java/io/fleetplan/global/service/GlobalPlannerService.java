package io.fleetplan.global.service;

import io.fleetplan.global.arbiter.Decision;
import io.fleetplan.global.arbiter.Echo;
import io.fleetplan.global.arbiter.LedgerView;
import io.fleetplan.global.arbiter.Proposal;
import io.fleetplan.global.core.Caller;
import io.fleetplan.global.core.PlannerCore;
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
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The {@code fleetplan.v1.GlobalPlanner} gRPC service: checks leadership, fields and identity on the calling
 * thread, then queues the proposal to the arbiter ({@link PlannerCore}). Refusals change no state.
 */
public final class GlobalPlannerService extends GlobalPlannerGrpc.GlobalPlannerImplBase {

    /** Trailer that carries the leader's address on UNAVAILABLE from a follower. */
    public static final Metadata.Key<String> LEADER =
            Metadata.Key.of("x-fleetplan-leader", Metadata.ASCII_STRING_MARSHALLER);

    /** Longest error description sent; values quoted in it are already cut to {@link Echo#MAX}. */
    static final int MAX_DESCRIPTION = 2048;

    private final PlannerCore core;
    private final Authorizer auth;
    private final ProposalValidator validator;
    private final Leadership leadership;
    private final AuditLog audit;
    private final PlannerMetrics metrics;
    private final InstantSource clock;
    private final boolean noOperation;

    public GlobalPlannerService(
            PlannerCore core,
            Authorizer auth,
            ProposalValidator validator,
            Leadership leadership,
            AuditLog audit,
            PlannerMetrics metrics,
            InstantSource clock,
            boolean noOperation) {
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
        // identity first: an unknown caller learns nothing from field checks (they name components and pools)
        Optional<Caller> caller = identify();
        if (caller.isEmpty()) {
            refuse(obs, unauthenticated(), req, "-", start);
            return;
        }
        List<String> problems = validator.problems(req);
        if (!problems.isEmpty()) {
            refuse(
                    obs,
                    Status.INVALID_ARGUMENT.withDescription(String.join("; ", problems)),
                    req,
                    caller.get().name(),
                    start);
            return;
        }
        Optional<String> nsDenied = auth.checkNamespace(caller.get(), req.getCallerNamespace());
        if (nsDenied.isPresent()) {
            refuse(
                    obs,
                    Status.PERMISSION_DENIED.withDescription(nsDenied.get()),
                    req,
                    caller.get().name(),
                    start);
            return;
        }
        Proposal p = ProtoMapping.proposal(req, noOperation);
        Optional<String> poolDenied = poolDenied(caller.get(), p);
        if (poolDenied.isPresent()) {
            refuse(
                    obs,
                    Status.PERMISSION_DENIED.withDescription(poolDenied.get()),
                    req,
                    caller.get().name(),
                    start);
            return;
        }
        // the answer is sent from the arbiter's thread once its batch is audited (see PlannerCore#loop)
        core.propose(p, caller.get(), auth, req.getBlocking()).whenComplete((answer, error) -> {
            if (error != null) {
                refuse(
                        obs,
                        Status.INTERNAL.withDescription(error.toString()),
                        req,
                        caller.get().name(),
                        start);
                return;
            }
            switch (answer.kind()) {
                case INVALID ->
                    refuse(
                            obs,
                            Status.INVALID_ARGUMENT.withDescription(answer.message()),
                            req,
                            caller.get().name(),
                            start);
                case DENIED ->
                    refuse(
                            obs,
                            Status.PERMISSION_DENIED.withDescription(answer.message()),
                            req,
                            caller.get().name(),
                            start);
                case DECIDED -> {
                    Decision d = answer.decision();
                    obs.onNext(ProtoMapping.decision(d));
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
        Optional<Caller> caller = identify();
        if (caller.isEmpty()) {
            obs.onError(unauthenticated().asRuntimeException());
            return;
        }
        List<String> problems = validator.watchProblems(req);
        if (!problems.isEmpty()) {
            obs.onError(Status.INVALID_ARGUMENT
                    .withDescription(String.join("; ", problems))
                    .asRuntimeException());
            return;
        }
        Optional<String> nsDenied = auth.checkNamespace(caller.get(), req.getCallerNamespace());
        if (nsDenied.isPresent() || !auth.mayWatch(caller.get(), req.getPoolId())) {
            obs.onError(Status.PERMISSION_DENIED
                    .withDescription(nsDenied.orElse(
                            "caller '" + caller.get().name() + "' may not watch pool " + Echo.of(req.getPoolId())))
                    .asRuntimeException());
            return;
        }
        ServerCallStreamObserver<ScaleDecision> server = (ServerCallStreamObserver<ScaleDecision>) obs;
        Runnable unsubscribe = core.watch(req.getPoolId(), new PlannerCore.WatchSink() {
            @Override
            public void send(Decision d) {
                if (!server.isCancelled()) {
                    server.onNext(ProtoMapping.decision(d));
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
        Optional<Caller> caller = identify();
        if (caller.isEmpty()) {
            obs.onError(unauthenticated().asRuntimeException());
            return;
        }
        Caller who = caller.get();
        core.state().whenComplete((s, error) -> {
            if (error != null) {
                obs.onError(Status.INTERNAL.withDescription(error.toString()).asRuntimeException());
                return;
            }
            PlannerState.Builder b = PlannerState.newBuilder()
                    .setBudget(ProtoMapping.budget(s.budget()))
                    .setLeader(leadership.isLeader() && core.ready())
                    .setLeaderAddress(leadership.leaderAddress());
            if (who.admin()) {
                b.putAllNamespaceCommittedGpus(s.committedByNamespace());
                s.entries().forEach(v -> b.addEntries(ProtoMapping.entry(v)));
            } else {
                // a tenant sees its own targets, and per namespace only the GPUs those hold
                Map<String, Integer> byNamespace = new TreeMap<>();
                for (LedgerView v : s.entries()) {
                    if (auth.mayScale(who, v.target())) {
                        b.addEntries(ProtoMapping.entry(v));
                        byNamespace.merge(v.target().k8sNamespace(), v.committedGpus(), Integer::sum);
                    }
                }
                b.putAllNamespaceCommittedGpus(byNamespace);
            }
            obs.onNext(b.build());
            obs.onCompleted();
        });
    }

    /**
     * With callers configured, the proposal's pool id and its DGD must be the caller's, checked before the arbiter
     * resolves components (whose errors list the DGD's component names).
     */
    private Optional<String> poolDenied(Caller caller, Proposal p) {
        if (!auth.identitiesRequired()) {
            return Optional.empty();
        }
        String dgd = p.k8sNamespace() + "/" + p.graphDeploymentName();
        if (!auth.ownsPool(caller, dgd)) {
            return Optional.of("caller '" + caller.name() + "' may not scale anything in " + Echo.of(dgd)
                    + " (allowed: " + String.join(", ", caller.allowedTargets()) + ")");
        }
        if (!auth.ownsPool(caller, p.poolId())) {
            return Optional.of("caller '" + caller.name() + "' may not use pool_id " + Echo.of(p.poolId())
                    + ": a pool id is read as k8s_namespace/dgd and must be covered by the caller's allowed_targets ("
                    + String.join(", ", caller.allowedTargets()) + ")");
        }
        return Optional.empty();
    }

    private Optional<Status> notServing() {
        if (!leadership.isLeader()) {
            String leader = leadership.leaderAddress();
            return Optional.of(Status.UNAVAILABLE.withDescription("not the leader; the leader is at "
                    + (leader.isEmpty() ? "(unknown, election in progress)" : leader)));
        }
        if (!core.ready()) {
            return Optional.of(
                    Status.UNAVAILABLE.withDescription("rebuilding the ledger from the cluster; retry shortly"));
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

    private void refuse(StreamObserver<ScaleDecision> obs, Status given, ScaleProposal req, String caller, long start) {
        // the description travels in a trailer (~8 KiB for all headers): a longer one is never delivered
        Status status = given.withDescription(Echo.of(given.getDescription(), MAX_DESCRIPTION));
        // a follower's redirects are not decisions; everything else refused is audited
        if (status.getCode() != Status.Code.UNAVAILABLE) {
            audit.refused(
                    clock.instant(),
                    status.getCode().name(),
                    caller,
                    req.getCallerNamespace(),
                    req.getK8SNamespace() + "/" + req.getGraphDeploymentName(),
                    req.getProposalId(),
                    status.getDescription());
        }
        metrics.refused(status.getCode().name(), (System.nanoTime() - start) / 1e9);
        obs.onError(status.asRuntimeException(
                status.getCode() == Status.Code.UNAVAILABLE ? leaderTrailer() : new Metadata()));
    }
}
