package io.fleetplan.router.local;

import io.fleetplan.proto.v1.ActiveLoad;
import io.fleetplan.proto.v1.ForwardPassMetrics;
import io.fleetplan.proto.v1.KvCacheEvent;
import io.fleetplan.proto.v1.StoredBlock;
import io.fleetplan.proto.v1.WorkerInfo;
import io.fleetplan.proto.v1.WorkerLoad;
import io.fleetplan.router.core.KvEvent;
import io.fleetplan.router.core.ReportedLoad;
import io.fleetplan.router.core.WorkerRole;
import io.fleetplan.router.core.WorkerSpec;
import io.fleetplan.router.core.WorkerView;

/** Converts between the wire contracts and the pure routing values. */
final class ProtoMapping {

    private ProtoMapping() {}

    static WorkerSpec spec(WorkerInfo info) {
        return new WorkerSpec(
                info.getWorkerId(),
                role(info.getRole()),
                info.getPool(),
                info.getGrpcAddress(),
                info.getBlockSize(),
                info.getNumGpuBlocks(),
                info.getMaxNumBatchedTokens(),
                info.getMaxNumSeqs());
    }

    static WorkerRole role(io.fleetplan.proto.v1.WorkerRole role) {
        return switch (role) {
            case PREFILL -> WorkerRole.PREFILL;
            case DECODE -> WorkerRole.DECODE;
            default -> WorkerRole.AGGREGATED;
        };
    }

    static io.fleetplan.proto.v1.WorkerRole role(WorkerRole role) {
        return switch (role) {
            case PREFILL -> io.fleetplan.proto.v1.WorkerRole.PREFILL;
            case DECODE -> io.fleetplan.proto.v1.WorkerRole.DECODE;
            case AGGREGATED -> io.fleetplan.proto.v1.WorkerRole.AGGREGATED;
        };
    }

    static ReportedLoad load(ActiveLoad l) {
        return new ReportedLoad(
                l.getActiveDecodeBlocks(),
                l.getActivePrefillTokens(),
                l.getKvUsedBlocks(),
                l.getKvTotalBlocks(),
                l.getNumRunningReqs(),
                l.getNumWaitingReqs(),
                l.getGpuCacheUsage());
    }

    static ActiveLoad load(String workerId, ReportedLoad l) {
        return ActiveLoad.newBuilder()
                .setWorkerId(workerId)
                .setActiveDecodeBlocks(l.activeDecodeBlocks())
                .setActivePrefillTokens(l.activePrefillTokens())
                .setKvUsedBlocks(l.kvUsedBlocks())
                .setKvTotalBlocks(l.kvTotalBlocks())
                .setNumRunningReqs(l.runningRequests())
                .setNumWaitingReqs(l.waitingRequests())
                .setGpuCacheUsage(l.gpuCacheUsage())
                .build();
    }

    /** @return null for an event without data */
    static KvEvent kv(KvCacheEvent e) {
        return switch (e.getDataCase()) {
            case STORED -> {
                int n = e.getStored().getBlocksCount();
                long[] seq = new long[n];
                long[] tok = new long[n];
                for (int i = 0; i < n; i++) {
                    StoredBlock b = e.getStored().getBlocks(i);
                    seq[i] = b.getBlockHash();
                    tok[i] = b.getTokensHash();
                }
                yield new KvEvent.Stored(
                        e.getStored().hasParentHash(), e.getStored().getParentHash(), seq, tok);
            }
            case REMOVED ->
                new KvEvent.Removed(e.getRemoved().getBlockHashesList().stream()
                        .mapToLong(Long::longValue)
                        .toArray());
            case CLEARED -> new KvEvent.Cleared();
            case DATA_NOT_SET -> null;
        };
    }

    /** @param last the router's last TTFT (s), ITL (s) and ISL for the worker; null = none yet */
    static WorkerLoad workerLoad(WorkerView v, ForwardPassMetrics lastFpm, double[] last) {
        ActiveLoad load = load(v.id(), v.engineLoad());
        if (load.getKvTotalBlocks() == 0 && v.spec().totalBlocks() > 0) {
            // no load report yet (the router starts from an empty one): the capacity registered with is known
            load = load.toBuilder().setKvTotalBlocks(v.spec().totalBlocks()).build();
        }
        WorkerLoad.Builder b = WorkerLoad.newBuilder()
                .setWorkerId(v.id())
                .setRole(role(v.spec().role()))
                .setDraining(v.draining())
                .setReady(v.ready())
                .setLoad(load)
                .setInFlight(v.inFlight())
                .setRoutedPrefillTokens((long) v.routerPrefillTokens())
                .setRoutedDecodeBlocks((long) v.routerDecodeBlocks())
                .setBlockSize(v.spec().blockSize())
                .setNumGpuBlocks(v.spec().totalBlocks())
                .setMaxNumSeqs(v.spec().maxNumSeqs())
                .setMaxNumBatchedTokens(v.spec().maxNumBatchedTokens());
        if (last != null) {
            b.setLastTtftSeconds(last[0]).setLastItlSeconds(last[1]).setLastInputSequenceTokens(last[2]);
        }
        if (lastFpm != null) {
            b.setLastFpm(lastFpm);
        }
        return b.build();
    }
}
