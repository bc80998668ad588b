package io.fleetplan.mocker.worker;

import io.fleetplan.mocker.engine.EngineRequest;
import io.fleetplan.mocker.engine.ForwardPass;
import io.fleetplan.mocker.engine.KvEvent;
import io.fleetplan.mocker.engine.KvHandoff;
import io.fleetplan.mocker.engine.LoadSnapshot;
import io.fleetplan.mocker.engine.Role;
import io.fleetplan.proto.v1.ActiveLoad;
import io.fleetplan.proto.v1.ForwardPassMetrics;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.KvCacheEvent;
import io.fleetplan.proto.v1.KvRemoved;
import io.fleetplan.proto.v1.KvStored;
import io.fleetplan.proto.v1.KvTransferParams;
import io.fleetplan.proto.v1.QueuedRequests;
import io.fleetplan.proto.v1.ScheduledRequests;
import io.fleetplan.proto.v1.StoredBlock;
import io.fleetplan.proto.v1.WorkerRole;

/** Engine values to and from the fleetplan.v1 wire messages. */
final class ProtoMapping {

    private ProtoMapping() {}

    static EngineRequest toEngine(GenerateRequest r) {
        int[] tokens = null;
        int prompt = r.getPromptTokens();
        if (r.getTokenIdsCount() > 0) {
            tokens = new int[r.getTokenIdsCount()];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = r.getTokenIds(i);
            }
            prompt = tokens.length;
        }
        long[] hashes = null;
        if (r.getBlockHashesCount() > 0) {
            hashes = new long[r.getBlockHashesCount()];
            for (int i = 0; i < hashes.length; i++) {
                hashes[i] = r.getBlockHashes(i);
            }
        }
        KvHandoff handoff = null;
        if (r.hasKvTransfer()) {
            KvTransferParams t = r.getKvTransfer();
            handoff = new KvHandoff(
                    t.getPrefillWorkerId(), t.getTransferredTokens(), t.getTransferMs(), t.getFirstTokenId());
        }
        // uint32 fields arrive as Java ints; a "negative" count is a huge unsigned value: keep it invalid
        int maxTokens = r.getMaxTokens() < 0 ? -1 : r.getMaxTokens();
        if (prompt < 0) {
            prompt = -1;
        }
        return new EngineRequest(r.getRequestId(), r.getModel(), prompt, maxTokens, tokens, hashes, handoff);
    }

    static KvTransferParams toProto(KvHandoff h, String workerId, int firstTokenId) {
        return KvTransferParams.newBuilder()
                .setPrefillWorkerId(workerId)
                .setTransferredTokens(h.transferredTokens())
                .setTransferMs(h.transferMs())
                .setFirstTokenId(firstTokenId)
                .build();
    }

    static ForwardPassMetrics toProto(ForwardPass f, String workerId) {
        ForwardPass.Scheduled s = f.scheduled();
        ForwardPass.Queued q = f.queued();
        return ForwardPassMetrics.newBuilder()
                .setVersion(1)
                .setWorkerId(workerId)
                .setDpRank(f.dpRank())
                .setCounterId(f.counterId())
                .setWallTime(f.wallTime())
                .setScheduledRequests(ScheduledRequests.newBuilder()
                        .setNumPrefillRequests(s.numPrefillRequests())
                        .setSumPrefillTokens(s.sumPrefillTokens())
                        .setVarPrefillLength(s.varPrefillLength())
                        .setSumPrefillKvTokens(s.sumPrefillKvTokens())
                        .setNumDecodeRequests(s.numDecodeRequests())
                        .setSumDecodeKvTokens(s.sumDecodeKvTokens())
                        .setVarDecodeKvTokens(s.varDecodeKvTokens()))
                .setQueuedRequests(QueuedRequests.newBuilder()
                        .setNumPrefillRequests(q.numPrefillRequests())
                        .setSumPrefillTokens(q.sumPrefillTokens())
                        .setVarPrefillLength(q.varPrefillLength())
                        .setNumDecodeRequests(q.numDecodeRequests())
                        .setSumDecodeKvTokens(q.sumDecodeKvTokens())
                        .setVarDecodeKvTokens(q.varDecodeKvTokens()))
                .build();
    }

    static ActiveLoad toProto(LoadSnapshot l, String workerId, int dpRank) {
        return ActiveLoad.newBuilder()
                .setWorkerId(workerId)
                .setDpRank(dpRank)
                .setActiveDecodeBlocks(l.activeDecodeBlocks())
                .setActivePrefillTokens(l.activePrefillTokens())
                .setKvUsedBlocks(l.kvUsedBlocks())
                .setKvTotalBlocks(l.kvTotalBlocks())
                .setNumRunningReqs(l.numRunning())
                .setNumWaitingReqs(l.numWaiting())
                .setNumPreemptions(l.numPreemptions())
                .setGpuCacheUsage(l.gpuCacheUsage())
                .setPrefixCacheHitRate(l.prefixCacheHitRate())
                .build();
    }

    static KvCacheEvent toProto(KvEvent e, int dpRank) {
        KvCacheEvent.Builder b =
                KvCacheEvent.newBuilder().setEventId(e.eventId()).setDpRank(dpRank);
        switch (e) {
            case KvEvent.Stored s -> {
                KvStored.Builder stored = KvStored.newBuilder();
                if (s.hasParent()) {
                    stored.setParentHash(s.parentHash());
                }
                for (int i = 0; i < s.blockHashes().length; i++) {
                    stored.addBlocks(StoredBlock.newBuilder()
                            .setBlockHash(s.blockHashes()[i])
                            .setTokensHash(s.tokensHashes()[i]));
                }
                b.setStored(stored);
            }
            case KvEvent.Removed r -> {
                KvRemoved.Builder removed = KvRemoved.newBuilder();
                for (long h : r.blockHashes()) {
                    removed.addBlockHashes(h);
                }
                b.setRemoved(removed);
            }
        }
        return b.build();
    }

    static WorkerRole toProto(Role role) {
        return switch (role) {
            case AGGREGATED -> WorkerRole.AGGREGATED;
            case PREFILL -> WorkerRole.PREFILL;
            case DECODE -> WorkerRole.DECODE;
        };
    }
}
