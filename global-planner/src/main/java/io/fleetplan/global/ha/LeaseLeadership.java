package io.fleetplan.global.ha;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fleetplan.global.config.GlobalPlannerConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Leader election on a Kubernetes Lease (fabric8 {@link LeaderElector}). The lease's holder identity is this
 * replica's advertised address, so a follower can tell callers where the leader is. After losing the lease the
 * replica stands again as a candidate.
 */
public final class LeaseLeadership implements Leadership {

    private static final Logger LOG = Logger.getLogger(LeaseLeadership.class.getName());

    private final KubernetesClient client;
    private final GlobalPlannerConfig.LeaderElection cfg;
    private final String namespace;
    private final String identity;
    private final ExecutorService callbacks =
            Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
    private volatile boolean leader;
    private volatile String leaderAddress = "";
    private volatile boolean closed;
    private volatile CompletableFuture<?> running;

    public LeaseLeadership(
            KubernetesClient client, GlobalPlannerConfig.LeaderElection cfg, String namespace, String identity) {
        this.client = client;
        this.cfg = cfg;
        this.namespace = namespace;
        this.identity = identity;
    }

    @Override
    public boolean isLeader() {
        return leader;
    }

    @Override
    public String leaderAddress() {
        return leaderAddress;
    }

    public String identity() {
        return identity;
    }

    @Override
    public void start(Consumer<Boolean> onChange) {
        if (closed) {
            return;
        }
        // callbacks run one at a time, in order, off the elector's renew loop (a ledger rebuild may take a while)
        LeaderCallbacks cb = new LeaderCallbacks(
                () -> callbacks.execute(() -> {
                    leader = true;
                    leaderAddress = identity;
                    LOG.info(identity + " acquired lease " + namespace + "/" + cfg.leaseName());
                    onChange.accept(true);
                }),
                () -> callbacks.execute(() -> {
                    boolean was = leader;
                    leader = false;
                    if (was) {
                        LOG.info(identity + " lost lease " + namespace + "/" + cfg.leaseName());
                        onChange.accept(false);
                    }
                }),
                newLeader -> leaderAddress = newLeader == null ? "" : newLeader);
        LeaderElectionConfig config = new LeaderElectionConfig(
                new LeaseLock(namespace, cfg.leaseName(), identity),
                Duration.ofSeconds(cfg.leaseDurationSeconds()),
                Duration.ofSeconds(cfg.renewDeadlineSeconds()),
                Duration.ofMillis(Math.round(cfg.retryPeriodSeconds() * 1000)),
                cb,
                cfg.releaseOnCancel(),
                cfg.leaseName());
        CompletableFuture<?> f =
                client.leaderElector().withConfig(config).build().start();
        running = f;
        f.whenComplete((ok, error) -> {
            if (!closed) {
                // the elector ends after leadership is lost: stand again
                callbacks.execute(() -> start(onChange));
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> f = running;
        if (f != null) {
            f.cancel(true);
        }
        leader = false;
        callbacks.shutdown();
    }
}
