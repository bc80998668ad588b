package io.fleetplan.global.executor.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fleetplan.common.time.Scheduler;
import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.config.GlobalPlannerConfig;
import io.fleetplan.global.executor.ScaleExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Scales through the {@code /scale} subresource of each target's scalable resource: Dynamo's DGDSA
 * {@code {dgd}-{component lowercased}} by default, or any kind with a scale subresource (e.g. a Deployment) by
 * config. Targets are the worker components of the DGDs in the watched namespaces (with a DGDSA, only those that
 * have one); GPUs per replica come from the DGD. Without Dynamo's operator a scale target may describe its own pool
 * instead ({@link DescribedTargets}: a Deployment annotated with the DGD name, component, type and GPUs), so such a
 * cluster needs no DGD CRD. {@link #discover} lists the cluster (fail closed: an API error throws, except a DGD API
 * the cluster does not serve); {@link #watch} keeps the ledger current with informers on DGDs and scale targets.
 *
 * <p>A command completes when the DGD status shows it done (scale-up: ready replicas reach the target; scale-down:
 * the component's pods are down to it) or, when no status reports the component (no operator), right after the
 * write. Observations carry the status pod count as running (the arbiter holds the larger of spec and running), so
 * a scale-down is not released from the budget before the operator reports its pods gone.
 */
public final class KubernetesExecutor implements ScaleExecutor {

    private static final Logger LOG = Logger.getLogger(KubernetesExecutor.class.getName());

    private final KubernetesClient client;
    private final GlobalPlannerConfig.ScaleTarget scaleTarget;
    private final List<String> namespaces;
    private final Scheduler scheduler;
    private final Duration settleTimeout;
    private final Duration pollEvery;
    private final long resyncMillis;
    private final boolean releaseOnStatus;
    private final ResourceDefinitionContext dgds;
    private final ResourceDefinitionContext targets;
    private final Map<TargetKey, CompletableFuture<Void>> writes = new ConcurrentHashMap<>();
    private final ExecutorService io = Executors.newVirtualThreadPerTaskExecutor();
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();

    public KubernetesExecutor(
            KubernetesClient client,
            GlobalPlannerConfig.Kubernetes cfg,
            List<String> namespaces,
            Scheduler scheduler,
            Duration settleTimeout,
            Duration pollEvery) {
        this.client = client;
        this.scaleTarget = cfg.scaleTarget();
        this.namespaces = List.copyOf(namespaces);
        this.scheduler = scheduler;
        this.settleTimeout = settleTimeout;
        this.pollEvery = pollEvery;
        this.resyncMillis = cfg.resyncSeconds() * 1000L;
        this.releaseOnStatus = cfg.releaseOnStatus();
        String[] gv = cfg.dgdApiVersion().split("/");
        this.dgds = new ResourceDefinitionContext.Builder()
                .withGroup(gv[0])
                .withVersion(gv[1])
                .withPlural("dynamographdeployments")
                .withKind("DynamoGraphDeployment")
                .withNamespaced(true)
                .build();
        String[] tv = scaleTarget.apiVersion().contains("/")
                ? scaleTarget.apiVersion().split("/")
                : new String[] {"", scaleTarget.apiVersion()};
        this.targets = new ResourceDefinitionContext.Builder()
                .withGroup(tv[0])
                .withVersion(tv[1])
                .withPlural(scaleTarget.plural())
                .withKind(scaleTarget.kind())
                .withNamespaced(true)
                .build();
    }

    private boolean adapterMode() {
        return scaleTarget.kind().equals(GlobalPlannerConfig.ScaleTarget.DGDSA);
    }

    @Override
    public List<Observation> discover() {
        List<Observation> all = new ArrayList<>();
        for (String ns : namespaces) {
            Set<String> graphs = new HashSet<>();
            for (GenericKubernetesResource dgd : listDgds(ns)) {
                graphs.add(dgd.getMetadata().getName());
                all.addAll(observe(ns, dgd));
            }
            if (!adapterMode()) {
                for (GenericKubernetesResource t : client.genericKubernetesResources(targets)
                        .inNamespace(ns)
                        .list()
                        .getItems()) {
                    DescribedTargets.read(ns, t)
                            .filter(d -> !graphs.contains(d.key().graphDeploymentName()))
                            .ifPresent(d -> all.add(observeDescribed(d, t)));
                }
            }
        }
        return all;
    }

    /** The DGDs of a namespace; none when the cluster does not serve the DGD API (no Dynamo CRDs installed). */
    private List<GenericKubernetesResource> listDgds(String ns) {
        try {
            return client.genericKubernetesResources(dgds)
                    .inNamespace(ns)
                    .list()
                    .getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return List.of();
            }
            throw e;
        }
    }

    private GenericKubernetesResource getDgd(String ns, String name) {
        try {
            return client.genericKubernetesResources(dgds)
                    .inNamespace(ns)
                    .withName(name)
                    .get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** A self-described target as the cluster shows it now (a Deployment's spec and status replicas). */
    private static Observation observeDescribed(DescribedTargets.Described d, GenericKubernetesResource t) {
        Map<String, Object> spec = DgdComponents.map(t.getAdditionalProperties().get("spec"));
        Map<String, Object> status =
                DgdComponents.map(t.getAdditionalProperties().get("status"));
        int specReplicas = DgdComponents.integer(spec.get("replicas"), 1);
        Integer pods = DgdComponents.quantity(status.get("replicas"));
        Integer ready = DgdComponents.quantity(status.get("readyReplicas"));
        return new Observation(
                d.key(),
                d.subType(),
                specReplicas,
                pods == null ? specReplicas : pods,
                ready == null ? (pods == null ? specReplicas : 0) : ready,
                d.gpusPerReplica());
    }

    private Optional<Observation> observeDescribed(TargetKey key) {
        if (adapterMode()) {
            return Optional.empty();
        }
        return target(key.k8sNamespace(), key.graphDeploymentName(), key.componentName())
                .flatMap(t -> DescribedTargets.read(key.k8sNamespace(), t)
                        .filter(d -> d.key().equals(key))
                        .map(d -> observeDescribed(d, t)));
    }

    /** The targets of one DGD as the cluster shows them now. */
    private List<Observation> observe(String ns, GenericKubernetesResource dgd) {
        List<Observation> out = new ArrayList<>();
        String name = dgd.getMetadata().getName();
        for (DgdComponents.Component c : DgdComponents.read(dgd.getAdditionalProperties())) {
            if (c.subType() == null) {
                continue;
            }
            Optional<GenericKubernetesResource> target = target(ns, name, c.name());
            if (target.isEmpty()) {
                continue;
            }
            Map<String, Object> spec =
                    DgdComponents.map(target.get().getAdditionalProperties().get("spec"));
            Map<String, Object> status =
                    DgdComponents.map(target.get().getAdditionalProperties().get("status"));
            int specReplicas = DgdComponents.integer(spec.get("replicas"), c.specReplicas());
            Integer podCount = c.statusReplicas() != null
                    ? c.statusReplicas()
                    : adapterMode() ? null : (Integer) DgdComponents.quantity(status.get("replicas"));
            Integer ready = c.readyReplicas() != null
                    ? c.readyReplicas()
                    : adapterMode() ? null : DgdComponents.quantity(status.get("readyReplicas"));
            out.add(new Observation(
                    new TargetKey(ns, name, c.name()),
                    c.subType(),
                    specReplicas,
                    podCount == null ? specReplicas : podCount,
                    ready == null ? (podCount == null ? specReplicas : 0) : ready,
                    c.gpusPerReplica()));
        }
        return out;
    }

    private Optional<GenericKubernetesResource> target(String ns, String dgd, String component) {
        return Optional.ofNullable(client.genericKubernetesResources(targets)
                .inNamespace(ns)
                .withName(scaleTarget.nameFor(dgd, component))
                .get());
    }

    private Optional<Observation> observe(TargetKey key) {
        GenericKubernetesResource dgd = getDgd(key.k8sNamespace(), key.graphDeploymentName());
        if (dgd == null) {
            return observeDescribed(key);
        }
        return observe(key.k8sNamespace(), dgd).stream()
                .filter(o -> o.target().equals(key))
                .findFirst();
    }

    /**
     * Whether a status reports the component at all: the DGD's (an operator is reconciling it) or, for a
     * self-described target, its own (a Deployment's controller counts its pods).
     */
    private boolean statusReports(TargetKey key) {
        GenericKubernetesResource dgd = getDgd(key.k8sNamespace(), key.graphDeploymentName());
        if (dgd == null) {
            return !adapterMode()
                    && target(key.k8sNamespace(), key.graphDeploymentName(), key.componentName())
                            .map(t -> DgdComponents.map(
                                            t.getAdditionalProperties().get("status"))
                                    .containsKey("replicas"))
                            .orElse(false);
        }
        return DgdComponents.read(dgd.getAdditionalProperties()).stream()
                .anyMatch(c -> c.name().equals(key.componentName()) && c.statusReplicas() != null);
    }

    @Override
    public void apply(ScaleCommand c, Listener listener) {
        // the writes for one target are chained, so they reach the cluster in the order given (two commands on
        // their own threads could otherwise be written the other way round); waiting for the effect is not chained
        // (a write that threw must not stop the ones after it)
        writes.compute(
                c.target(),
                (k, previous) -> (previous == null
                                ? CompletableFuture.<Void>completedFuture(null)
                                : previous.exceptionally(e -> null))
                        .thenRunAsync(() -> write(c, listener), io));
    }

    private void write(ScaleCommand c, Listener listener) {
        String name =
                scaleTarget.nameFor(c.target().graphDeploymentName(), c.target().componentName());
        try {
            // .scale(int), not .scale(Scale): a Scale PUT loses the adapter object in fabric8's CRUD mock server
            client.genericKubernetesResources(targets)
                    .inNamespace(c.target().k8sNamespace())
                    .withName(name)
                    .scale(c.toReplicas());
        } catch (KubernetesClientException e) {
            String why = scaleTarget.kind() + " " + c.target().k8sNamespace() + "/" + name + ": HTTP " + e.getCode()
                    + " " + firstLine(e.getMessage());
            listener.failed(c, safeObserve(c), why);
            return;
        } catch (RuntimeException e) {
            listener.failed(c, safeObserve(c), String.valueOf(e.getMessage()));
            return;
        }
        awaitEffect(c, listener);
    }

    private void awaitEffect(ScaleCommand c, Listener listener) {
        Instant deadline = scheduler.now().plus(settleTimeout);
        AtomicReference<Scheduler.Cancellable> task = new AtomicReference<>();
        Runnable check = () -> {
            try {
                io.execute(() -> {
                    Observation now = safeObserve(c);
                    boolean done = !releaseOnStatus
                            || !statusReports(c.target())
                            || (c.scaleDown()
                                    ? now.runningReplicas() <= c.toReplicas()
                                    : now.readyReplicas() >= c.toReplicas());
                    if (done || !scheduler.now().isBefore(deadline)) {
                        Scheduler.Cancellable t = task.getAndSet(null);
                        if (t != null) {
                            t.cancel();
                            // completed with what is really there: a slow scale-down stays charged through running
                            listener.completed(c, now);
                        }
                    }
                });
            } catch (RejectedExecutionException closed) {
                // this executor was closed (the replica stopped) while the scheduler, which may outlive it, runs on:
                // the command is no longer watched here, and the poll must not keep firing into a closed executor
                Scheduler.Cancellable t = task.getAndSet(null);
                if (t != null) {
                    t.cancel();
                }
            }
        };
        task.set(scheduler.scheduleAtFixedRate(Duration.ZERO, pollEvery, check));
    }

    private Observation safeObserve(ScaleCommand c) {
        try {
            return observe(c.target()).orElse(fallback(c));
        } catch (RuntimeException e) {
            return fallback(c);
        }
    }

    // what is known without the API: the write may or may not have happened, so the larger count stays held
    private static Observation fallback(ScaleCommand c) {
        int hi = Math.max(c.fromReplicas(), c.toReplicas());
        return new Observation(c.target(), c.subType(), c.fromReplicas(), hi, 0, c.gpusPerReplica());
    }

    @Override
    public void watch(ChangeListener listener) {
        for (String ns : namespaces) {
            if (servesDgds(ns)) {
                inform(dgds, ns, dgd -> observeLater(ns, dgd.getMetadata().getName(), null, listener), dgd -> {
                    for (DgdComponents.Component c : DgdComponents.read(dgd.getAdditionalProperties())) {
                        listener.removed(new TargetKey(ns, dgd.getMetadata().getName(), c.name()));
                    }
                });
            }
            // a scale target changed (e.g. someone else wrote its replicas): re-read the DGD it belongs to, or read
            // the target itself when it describes its own pool; a deleted self-described target is a removed one
            inform(
                    targets,
                    ns,
                    t -> observeTargetLater(ns, t, listener),
                    t -> DescribedTargets.read(ns, t)
                            .ifPresentOrElse(
                                    d -> io.execute(() -> {
                                        if (getDgd(ns, d.key().graphDeploymentName()) == null) {
                                            listener.removed(d.key());
                                        }
                                    }),
                                    () -> observeTargetLater(ns, t, listener)));
        }
    }

    private boolean servesDgds(String ns) {
        try {
            client.genericKubernetesResources(dgds).inNamespace(ns).list();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                LOG.info("no DGD API served in " + ns
                        + " (no Dynamo CRDs): pools come from self-described scale targets");
                return false;
            }
            throw e;
        }
    }

    private void inform(
            ResourceDefinitionContext ctx,
            String ns,
            Consumer<GenericKubernetesResource> changed,
            Consumer<GenericKubernetesResource> deleted) {
        informers.add(client.genericKubernetesResources(ctx)
                .inNamespace(ns)
                .inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(GenericKubernetesResource r) {
                                changed.accept(r);
                            }

                            @Override
                            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource r) {
                                changed.accept(r);
                            }

                            @Override
                            public void onDelete(GenericKubernetesResource r, boolean unknownState) {
                                deleted.accept(r);
                            }
                        },
                        resyncMillis));
    }

    /**
     * Re-reads a pool on an I/O thread (informer callbacks must not block): the DGD's targets, or, with no DGD and a
     * self-described {@code target} from the event, that target as the event shows it (null: a DGD event).
     */
    private void observeLater(String ns, String dgdName, GenericKubernetesResource target, ChangeListener listener) {
        io.execute(() -> {
            try {
                GenericKubernetesResource dgd = getDgd(ns, dgdName);
                if (dgd != null) {
                    observe(ns, dgd).forEach(listener::changed);
                } else if (target != null && !adapterMode()) {
                    DescribedTargets.read(ns, target).ifPresent(d -> listener.changed(observeDescribed(d, target)));
                }
            } catch (RuntimeException e) {
                LOG.warning("cannot observe DGD " + ns + "/" + dgdName + ": " + e.getMessage());
            }
        });
    }

    private void observeTargetLater(String ns, GenericKubernetesResource t, ChangeListener listener) {
        String dgdName = dgdOf(t);
        if (dgdName != null) {
            observeLater(ns, dgdName, t, listener);
        }
    }

    private static String dgdOf(GenericKubernetesResource t) {
        Map<String, Object> ref = DgdComponents.map(
                DgdComponents.map(t.getAdditionalProperties().get("spec")).get("dgdRef"));
        if (ref.get("name") != null) {
            return String.valueOf(ref.get("name"));
        }
        Map<String, String> labels = t.getMetadata().getLabels();
        String byLabel = labels == null ? null : labels.get("nvidia.com/dynamo-graph-deployment-name");
        Map<String, String> annotations = t.getMetadata().getAnnotations();
        return byLabel != null || annotations == null ? byLabel : annotations.get(DescribedTargets.GRAPH_DEPLOYMENT);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        io.shutdownNow();
    }
}
