package io.fleetplan.pool.connect;

import io.fleetplan.proto.v1.ComponentGrant;
import io.fleetplan.proto.v1.DecisionStatus;
import io.fleetplan.proto.v1.GlobalPlannerGrpc;
import io.fleetplan.proto.v1.ScaleDecision;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.TargetReplica;
import io.fleetplan.proto.v1.WatchDecisionsRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-process GlobalPlanner that grants at most {@link #cap} replicas per component (a negative cap rejects every
 * proposal) and keeps the proposals and the WatchDecisions streams it saw.
 */
final class FakeGlobalPlanner implements AutoCloseable {

    final List<ScaleProposal> proposals = new CopyOnWriteArrayList<>();
    final List<StreamObserver<ScaleDecision>> watchers = new CopyOnWriteArrayList<>();
    volatile int cap = 3;
    final ManagedChannel channel;
    private final Server server;

    FakeGlobalPlanner() throws IOException {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(new GlobalPlannerGrpc.GlobalPlannerImplBase() {
                    @Override
                    public void propose(ScaleProposal p, StreamObserver<ScaleDecision> out) {
                        proposals.add(p);
                        out.onNext(decide(p));
                        out.onCompleted();
                    }

                    @Override
                    public void watchDecisions(WatchDecisionsRequest r, StreamObserver<ScaleDecision> out) {
                        watchers.add(out);
                    }
                })
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    private ScaleDecision decide(ScaleProposal p) {
        if (cap < 0) {
            return ScaleDecision.newBuilder()
                    .setStatus(DecisionStatus.REJECTED)
                    .setMessage("budget")
                    .build();
        }
        ScaleDecision.Builder d =
                ScaleDecision.newBuilder().setProposalId(p.getProposalId()).setSequence(p.getSequence());
        boolean partial = false;
        for (TargetReplica t : p.getTargetReplicasList()) {
            int granted = Math.min(cap, t.getDesiredReplicas());
            partial |= granted < t.getDesiredReplicas();
            d.addGrants(ComponentGrant.newBuilder()
                    .setSubComponentType(t.getSubComponentType())
                    .setDesiredReplicas(t.getDesiredReplicas())
                    .setGrantedReplicas(granted));
        }
        return d.setStatus(partial ? DecisionStatus.PARTIAL : DecisionStatus.GRANTED)
                .build();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
    }
}
