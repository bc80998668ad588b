package io.fleetplan.global.arbiter;

import java.util.Comparator;

/**
 * One scalable target: a component (DGD service) of a DGD in a Kubernetes namespace. Rendered as
 * {@code k8s_namespace/dgd/component}, the form authorization patterns and priority selectors match.
 */
public record TargetKey(String k8sNamespace, String graphDeploymentName, String componentName)
        implements Comparable<TargetKey> {

    private static final Comparator<TargetKey> ORDER = Comparator.comparing(TargetKey::k8sNamespace)
            .thenComparing(TargetKey::graphDeploymentName).thenComparing(TargetKey::componentName);

    /** The pool a target belongs to unless a proposal names another: {@code k8s_namespace/dgd}. */
    public String defaultPoolId() {
        return k8sNamespace + "/" + graphDeploymentName;
    }

    @Override
    public int compareTo(TargetKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return k8sNamespace + "/" + graphDeploymentName + "/" + componentName;
    }
}
