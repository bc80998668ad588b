package io.fleetplan.global.service;

import io.fleetplan.proto.v1.ScaleProposal;
import io.fleetplan.proto.v1.SubComponentType;
import io.fleetplan.proto.v1.TargetReplica;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Field checks on a wire proposal before it reaches the arbiter (Dynamo checks none of these). Every problem
 * names the field, the value and what is allowed; any problem means INVALID_ARGUMENT and no state change.
 */
public final class ProposalValidator {

    private static final int MAX_ID_LENGTH = 256;
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
        if (p.getProposalId().length() > MAX_ID_LENGTH) {
            out.add("proposal_id: must be at most " + MAX_ID_LENGTH + " characters, was " + p.getProposalId().length());
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

    private void target(String f, TargetReplica t, Set<String> seen, List<String> out) {
        boolean typed = t.getSubComponentType() != SubComponentType.SUB_COMPONENT_TYPE_UNSPECIFIED
                && t.getSubComponentType() != SubComponentType.UNRECOGNIZED;
        if (!typed && t.getComponentName().isBlank()) {
            out.add(f + ".sub_component_type: is required when component_name is empty (prefill, decode or aggregated)");
        }
        String id = t.getComponentName().isBlank() ? "type:" + t.getSubComponentType()
                : "name:" + t.getComponentName().toLowerCase(java.util.Locale.ROOT);
        if (!seen.add(id)) {
            out.add(f + ": names the same component as an earlier entry ("
                    + (t.getComponentName().isBlank() ? t.getSubComponentType() : t.getComponentName()) + ")");
        }
        if (t.getDesiredReplicas() < 0 || t.getDesiredReplicas() > maxReplicas) {
            out.add(f + ".desired_replicas: must be between 0 and " + maxReplicas + " (max_replicas_per_component), was "
                    + t.getDesiredReplicas());
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
