package io.fleetplan.global.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.time.Scheduler;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.global.executor.LocalProcessExecutor;
import io.fleetplan.global.executor.ScaleExecutor;
import io.fleetplan.global.executor.VirtualExecutor;
import io.fleetplan.global.executor.kubernetes.KubernetesExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** Builds the executor a config asks for. */
public final class ExecutorFactory {

    private ExecutorFactory() {}

    /** The Kubernetes namespaces the planner works in: configured, else the pod's own, else default. */
    public static List<String> namespaces(GlobalPlannerConfig cfg) {
        List<String> configured = cfg.executor().kubernetes().namespaces();
        if (!configured.isEmpty()) {
            return configured;
        }
        String pod = System.getenv("POD_NAMESPACE");
        return List.of(pod == null || pod.isBlank() ? "default" : pod);
    }

    public static ScaleExecutor create(GlobalPlannerConfig cfg, Scheduler scheduler, Supplier<KubernetesClient> client)
            throws IOException {
        return switch (cfg.executorKind()) {
            case "kubernetes" ->
                new KubernetesExecutor(
                        client.get(),
                        cfg.executor().kubernetes(),
                        namespaces(cfg),
                        scheduler,
                        Duration.ofSeconds(cfg.blockingTimeoutSeconds()),
                        Duration.ofSeconds(1));
            case "local" -> {
                LocalProcessExecutor ex =
                        LocalProcessExecutor.from(cfg.executor().local(), scheduler);
                ex.start();
                yield ex;
            }
            default -> {
                GlobalPlannerConfig.Virtual v = cfg.executor().virtual();
                VirtualExecutor ex = new VirtualExecutor(
                        scheduler, seconds(v.scaleUpDelaySeconds()), seconds(v.scaleDownDelaySeconds()));
                for (GlobalPlannerConfig.StaticTarget t : v.targets()) {
                    ex.register(
                            new TargetKey(t.k8sNamespace(), t.graphDeploymentName(), t.componentName()),
                            SubType.parse(t.subComponentType()),
                            t.replicas(),
                            t.gpusPerReplica());
                }
                yield ex;
            }
        };
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
