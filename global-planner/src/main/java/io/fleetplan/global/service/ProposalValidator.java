package io.fleetplan.global.service;

import io.fleetplan.global.arbiter.Echo;
import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.SubComponentType;
import io.fleetplan.proto.v1.TargetReplica;
import io.fleetplan.proto.v1.WatchDecisionsRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Field checks on a wire proposal before it reaches the arbiter (Dynamo checks none of these). Every problem
 * names the field, the value and what is allowed; any problem means INVALID_ARGUMENT and no state change.
 */
public final class ProposalValidator {

    /** Longest name or id (a Kubernetes object name's limit): bounds the ledger, the audit log and every message. */
    public static final int MAX_NAME_LENGTH = 253;
    /** Most components in one proposal and most points in one pressure hint. */
    public static final int MAX_TARGETS = 64;

    public static final int MAX_HINT_POINTS = 1024;
    private final int maxReplicas;

    public ProposalValidator(int maxReplicasPerComponent) {
        this.maxReplicas = maxReplicasPerComponent;
    }

    public List<String> problems(ScaleProposal p) {
        List<String> out = new ArrayList<>();
        if (p.getK8SNamespace().isBlank()) {
            out.add("k8s_namespace: is required (the target's Kubernetes namespace)");
        }
        if (p.getGraphDeploymentName().isBlank()) {
            out.add("graph_deployment_name: is required (the target DGD's name)");
        }
        if (p.getTargetReplicasCount() == 0) {
            out.add("target_replicas: must not be empty (list at least one component and its desired_replicas)");
        }
        length("proposal_id", p.getProposalId(), out);
        length("pool_id", p.getPoolId(), out);
        length("caller_namespace", p.getCallerNamespace(), out);
        length("k8s_namespace", p.getK8SNamespace(), out);
        length("graph_deployment_name", p.getGraphDeploymentName(), out);
        if (p.getTargetReplicasCount() > MAX_TARGETS) {
            out.add("target_replicas: must list at most " + MAX_TARGETS + " components, has "
                    + p.getTargetReplicasCount());
            return out;
        }
        if (p.getSequence() < 0) {
            out.add("sequence: must be >= 0, was " + p.getSequence());
        }
        if (p.getPriority() < 0) {
            out.add("priority: must be >= 0 (0 = default), was " + p.getPriority());
        }
        if (!Double.isFinite(p.getTimestamp()) || p.getTimestamp() < 0) {
            out.add("timestamp: must be seconds since the epoch (>= 0), was " + p.getTimestamp());
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < p.getTargetReplicasCount(); i++) {
            target("target_replicas[" + i + "]", p.getTargetReplicas(i), seen, out);
        }
        return out;
    }

    /** Field checks of a watch request. */
    public List<String> watchProblems(WatchDecisionsRequest w) {
        List<String> out = new ArrayList<>();
        if (w.getPoolId().isBlank()) {
            out.add("pool_id: is required ({k8s_namespace}/{graph_deployment_name} or the pool_id used in proposals)");
        }
        length("pool_id", w.getPoolId(), out);
        length("caller_namespace", w.getCallerNamespace(), out);
        return out;
    }

    private static void length(String field, String value, List<String> out) {
        if (value.length() > MAX_NAME_LENGTH) {
            out.add(field + ": must be at most " + MAX_NAME_LENGTH + " characters, was " + value.length() + " ("
                    + Echo.of(value, 40) + ")");
        }
    }

    private void target(String f, TargetReplica t, Set<String> seen, List<String> out) {
        length(f + ".component_name", t.getComponentName(), out);
        if (t.getCandidateReplicasCount() > MAX_HINT_POINTS) {
            out.add(f + ".candidate_replicas: must have at most " + MAX_HINT_POINTS + " entries, has "
                    + t.getCandidateReplicasCount());
            return;
        }
        boolean typed = t.getSubComponentType() != SubComponentType.SUB_COMPONENT_TYPE_UNSPECIFIED
                && t.getSubComponentType() != SubComponentType.UNRECOGNIZED;
        if (!typed && t.getComponentName().isBlank()) {
            out.add(f
                    + ".sub_component_type: is required when component_name is empty (prefill, decode or aggregated)");
        }
        String id = t.getComponentName().isBlank()
                ? "type:" + t.getSubComponentType()
                : "name:" + t.getComponentName().toLowerCase(Locale.ROOT);
        if (!seen.add(id)) {
            out.add(f + ": names the same component as an earlier entry ("
                    + (t.getComponentName().isBlank() ? t.getSubComponentType() : Echo.of(t.getComponentName())) + ")");
        }
        if (t.getDesiredReplicas() < 0 || t.getDesiredReplicas() > maxReplicas) {
            out.add(f + ".desired_replicas: must be between 0 and " + maxReplicas
                    + " (max_replicas_per_component), was " + t.getDesiredReplicas());
        }
        if (t.getMinReplicas() < 0 || t.getMinReplicas() > Math.max(0, t.getDesiredReplicas())) {
            out.add(f + ".min_replicas: must be between 0 and desired_replicas (" + t.getDesiredReplicas() + "), was "
                    + t.getMinReplicas());
        }
        if (t.getCandidateReplicasCount() != t.getValueAtCount()) {
            out.add(f + ".value_at: must have as many entries as candidate_replicas (" + t.getCandidateReplicasCount()
                    + "), has " + t.getValueAtCount());
            return;
        }
        int last = -1;
        for (int j = 0; j < t.getCandidateReplicasCount(); j++) {
            int r = t.getCandidateReplicas(j);
            if (r <= last || r < 0) {
                out.add(f + ".candidate_replicas[" + j + "]: must be >= 0 and strictly ascending, was " + r);
                break;
            }
            last = r;
            double v = t.getValueAt(j);
            if (!Double.isFinite(v) || v < 0) {
                out.add(f + ".value_at[" + j + "]: must be a finite number >= 0, was " + v);
                break;
            }
        }
    }
}
