package io.fleetplan.proto.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import org.junit.jupiter.api.Test;

class WireRoundTripTest {

    static ScaleProposal proposal() {
        return ScaleProposal.newBuilder()
                .setCallerNamespace("team-a-prefill")
                .setGraphDeploymentName("prefill-pool")
                .setK8SNamespace("team-a")
                .addTargetReplicas(TargetReplica.newBuilder()
                        .setSubComponentType(SubComponentType.SUB_COMPONENT_TYPE_PREFILL)
                        .setComponentName("VllmPrefillWorker")
                        .setDesiredReplicas(4)
                        .setMinReplicas(1)
                        .addCandidateReplicas(2)
                        .addCandidateReplicas(3)
                        .addCandidateReplicas(4)
                        .addValueAt(0.7)
                        .addValueAt(0.93)
                        .addValueAt(0.995))
                .setBlocking(true)
                .setTimestamp(1_764_000_000.25)
                .setPredictedLoad(PredictedLoad.newBuilder()
                        .setNumRequests(1200)
                        .setIsl(3000)
                        .setOsl(150))
                .setProposalId("p-42")
                .setSequence(42)
                .setPriority(200)
                .setDryRun(false)
                .build();
    }

    static ScaleDecision decision() {
        return ScaleDecision.newBuilder()
                .setDecisionId("d-1")
                .setProposalId("p-42")
                .setStatus(DecisionStatus.PARTIAL)
                .setReason(DecisionReason.BUDGET_CEILING)
                .setMessage("granted 3 of 4 prefill replicas: 2 GPUs free")
                .addGrants(ComponentGrant.newBuilder()
                        .setSubComponentType(SubComponentType.SUB_COMPONENT_TYPE_PREFILL)
                        .setComponentName("VllmPrefillWorker")
                        .setDesiredReplicas(4)
                        .setGrantedReplicas(3)
                        .setCurrentReplicas(2)
                        .setGpusPerReplica(2))
                .putCurrentReplicas("prefill", 2)
                .setBudget(BudgetSnapshot.newBuilder()
                        .setMaxTotalGpus(16)
                        .setMinTotalGpus(-1)
                        .setCommittedGpus(16)
                        .setFreeGpus(0))
                .setPoolId("team-a/prefill-pool")
                .setSequence(42)
                .build();
    }

    static WorkerEvent fpmEvent() {
        return WorkerEvent.newBuilder()
                .setWorkerId("w-1")
                .setTime(12.5)
                .setFpm(ForwardPassMetrics.newBuilder()
                        .setVersion(1)
                        .setWorkerId("w-1")
                        .setCounterId(7)
                        .setWallTime(0.031)
                        .setScheduledRequests(ScheduledRequests.newBuilder()
                                .setNumPrefillRequests(2)
                                .setSumPrefillTokens(4096)
                                .setVarPrefillLength(1024.0)
                                .setSumPrefillKvTokens(512)
                                .setNumDecodeRequests(30)
                                .setSumDecodeKvTokens(90_000)
                                .setVarDecodeKvTokens(4e6))
                        .setQueuedRequests(QueuedRequests.newBuilder()
                                .setNumPrefillRequests(5)
                                .setSumPrefillTokens(15_000)))
                .build();
    }

    static WorkerEvent kvEvent() {
        return WorkerEvent.newBuilder()
                .setWorkerId("w-1")
                .setKv(KvCacheEvent.newBuilder()
                        .setEventId(3)
                        .setStored(KvStored.newBuilder()
                                .setParentHash(0xFFFF_FFFF_FFFF_FFFFL)
                                .addBlocks(StoredBlock.newBuilder()
                                        .setBlockHash(-7L)
                                        .setTokensHash(99))))
                .build();
    }

    static PoolMetrics poolMetrics() {
        return PoolMetrics.newBuilder()
                .setRouterId("r")
                .setPool("prefill")
                .setRequestRate(12.5)
                .setMeanIsl(3000)
                .addWorkers(WorkerLoad.newBuilder()
                        .setWorkerId("w-idle")
                        .setReady(true)
                        .setLoad(ActiveLoad.newBuilder().setWorkerId("w-idle").setKvTotalBlocks(16384)))
                .build();
    }

    @Test
    void binaryRoundTripKeepsEveryField() throws InvalidProtocolBufferException {
        assertThat(ScaleProposal.parseFrom(proposal().toByteArray())).isEqualTo(proposal());
        assertThat(ScaleDecision.parseFrom(decision().toByteArray())).isEqualTo(decision());
        assertThat(WorkerEvent.parseFrom(fpmEvent().toByteArray())).isEqualTo(fpmEvent());
        assertThat(WorkerEvent.parseFrom(kvEvent().toByteArray())).isEqualTo(kvEvent());
        assertThat(PoolMetrics.parseFrom(poolMetrics().toByteArray())).isEqualTo(poolMetrics());
    }

    @Test
    void jsonRoundTripKeepsEveryField() throws InvalidProtocolBufferException {
        assertThat(viaJson(proposal(), ScaleProposal.newBuilder())).isEqualTo(proposal());
        assertThat(viaJson(decision(), ScaleDecision.newBuilder())).isEqualTo(decision());
        assertThat(viaJson(fpmEvent(), WorkerEvent.newBuilder())).isEqualTo(fpmEvent());
        assertThat(viaJson(kvEvent(), WorkerEvent.newBuilder())).isEqualTo(kvEvent());
        assertThat(viaJson(poolMetrics(), PoolMetrics.newBuilder())).isEqualTo(poolMetrics());
    }

    @Test
    void jsonUsesDynamoFieldNamesForTheScaleRequestPart() throws InvalidProtocolBufferException {
        String json = JsonFormat.printer().preservingProtoFieldNames().print(proposal());
        assertThat(json)
                .contains(
                        "\"caller_namespace\"",
                        "\"graph_deployment_name\"",
                        "\"k8s_namespace\"",
                        "\"target_replicas\"",
                        "\"sub_component_type\"",
                        "\"desired_replicas\"",
                        "\"predicted_load\"",
                        "\"num_requests\"",
                        "\"isl\"",
                        "\"osl\"",
                        "\"blocking\"",
                        "\"timestamp\"");
    }

    @Test
    void aDynamoScaleRequestInJsonParsesUnchanged() throws InvalidProtocolBufferException {
        // the JSON body a Dynamo pool planner sends (pydantic ScaleRequest), sub types in proto enum form
        String dynamo = """
                {"caller_namespace": "ns-prefill", "graph_deployment_name": "prefill-pool", "k8s_namespace": "default",
                 "target_replicas": [{"sub_component_type": "SUB_COMPONENT_TYPE_PREFILL", "desired_replicas": 3}],
                 "blocking": false, "timestamp": 1764000000.0,
                 "predicted_load": {"num_requests": 10.0, "isl": 3000.0, "osl": 150.0}}
                """;
        ScaleProposal.Builder b = ScaleProposal.newBuilder();
        JsonFormat.parser().merge(dynamo, b);
        assertThat(b.getTargetReplicas(0).getDesiredReplicas()).isEqualTo(3);
        assertThat(b.getPredictedLoad().getIsl()).isEqualTo(3000.0);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Message> T viaJson(T message, Message.Builder builder)
            throws InvalidProtocolBufferException {
        String json = JsonFormat.printer().print(message);
        JsonFormat.parser().merge(json, builder);
        return (T) builder.build();
    }
}
