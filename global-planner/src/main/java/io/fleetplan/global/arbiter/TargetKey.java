package io.fleetplan.global.arbiter;

/**
 * One scalable target: a component (DGD service) of a DGD in a Kubernetes namespace. Rendered as
 * {@code k8s_namespace/dgd/component}, the form authorization patterns and priority selectors match.
 */
public record TargetKey(String k8sNamespace, String graphDeploymentName, String componentName)
        implements Comparable<TargetKey> {

    /** The pool a target belongs to unless a proposal names another: {@code k8s_namespace/dgd}. */
    public String defaultPoolId() {
        return k8sNamespace + "/" + graphDeploymentName;
    }

    @Override
    public int compareTo(TargetKey o) {
        // hand-written: this is on the arbiter's hot path (every ledger lookup)
        int c = k8sNamespace.compareTo(o.k8sNamespace);
        if (c != 0) {
            return c;
        }
        c = graphDeploymentName.compareTo(o.graphDeploymentName);
        return c != 0 ? c : componentName.compareTo(o.componentName);
    }

    @Override
    public String toString() {
        return k8sNamespace + "/" + graphDeploymentName + "/" + componentName;
    }
}
