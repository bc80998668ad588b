package io.fleetplan.global.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.pool.SubType;
import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.TargetKey;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ScaleExecutor} promises the GlobalPlanner (its javadoc), checked once for each implementation:
 * discovery shows what runs; {@code apply} answers exactly once; a scale-up completes with its replicas ready and a
 * scale-down once its replicas are gone; commands for one target take effect in the order given; an unknown target
 * fails. Each run gets a decode target at 1 replica of 1 GPU.
 */
public abstract class ScaleExecutorContract {

    private ScaleExecutor executor;

    /** A started executor whose only target is {@link #target()}: decode, 1 replica, 1 GPU per replica. */
    protected abstract ScaleExecutor create() throws Exception;

    protected abstract TargetKey target();

    /** Seconds a command may take to complete here. */
    protected long settleSeconds() {
        return 20;
    }

    @AfterEach
    void closeExecutor() {
        if (executor != null) {
            executor.close();
        }
    }

    private ScaleExecutor executor() throws Exception {
        executor = create();
        return executor;
    }

    /** Records every answer to one command. */
    protected static final class Answers implements ScaleExecutor.Listener {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final CompletableFuture<Observation> first = new CompletableFuture<>();

        @Override
        public void completed(ScaleCommand command, Observation now) {
            calls.add("completed");
            first.complete(now);
        }

        @Override
        public void failed(ScaleCommand command, Observation now, String message) {
            calls.add("failed: " + message);
            first.complete(now);
        }
    }

    private Observation run(ScaleExecutor ex, String id, int from, int to) throws Exception {
        Answers a = new Answers();
        ex.apply(new ScaleCommand(id, target(), SubType.DECODE, from, to, 1), a);
        Observation now = a.first.get(settleSeconds(), TimeUnit.SECONDS);
        assertThat(a.calls).as("answers to %s", id).containsExactly("completed");
        return now;
    }

    private Observation discovered(ScaleExecutor ex) {
        return ex.discover().stream()
                .filter(o -> o.target().equals(target()))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void discoveryShowsWhatRuns() throws Exception {
        Observation o = discovered(executor());
        assertThat(o.subType()).isEqualTo(SubType.DECODE);
        assertThat(o.specReplicas()).isEqualTo(1);
        assertThat(o.runningReplicas()).isEqualTo(1);
        assertThat(o.gpusPerReplica()).isEqualTo(1);
    }

    @Test
    void aScaleUpCompletesOnceWithItsReplicasReady() throws Exception {
        ScaleExecutor ex = executor();
        Observation up = run(ex, "up", 1, 3);
        assertThat(up.specReplicas()).isEqualTo(3);
        assertThat(up.readyReplicas()).isGreaterThanOrEqualTo(3);
        assertThat(discovered(ex).specReplicas()).isEqualTo(3);
    }

    @Test
    void aScaleDownCompletesOnceItsReplicasAreGone() throws Exception {
        ScaleExecutor ex = executor();
        run(ex, "up", 1, 2);
        Observation down = run(ex, "down", 2, 1);
        assertThat(down.specReplicas()).isEqualTo(1);
        assertThat(down.runningReplicas())
                .as("the GPUs are free only when the replica is gone")
                .isEqualTo(1);
    }

    @Test
    void commandsForOneTargetTakeEffectInOrder() throws Exception {
        ScaleExecutor ex = executor();
        Answers first = new Answers();
        Answers second = new Answers();
        ex.apply(new ScaleCommand("a", target(), SubType.DECODE, 1, 3, 1), first);
        ex.apply(new ScaleCommand("b", target(), SubType.DECODE, 3, 2, 1), second);
        first.first.get(settleSeconds(), TimeUnit.SECONDS);
        Observation last = second.first.get(settleSeconds(), TimeUnit.SECONDS);
        assertThat(first.calls).containsExactly("completed");
        assertThat(second.calls).containsExactly("completed");
        assertThat(last.specReplicas()).isEqualTo(2);
        assertThat(discovered(ex).specReplicas()).isEqualTo(2);
    }

    @Test
    void anUnknownTargetFailsOnce() throws Exception {
        ScaleExecutor ex = executor();
        Answers a = new Answers();
        TargetKey ghost = new TargetKey(target().k8sNamespace(), target().graphDeploymentName(), "ghost");
        ex.apply(new ScaleCommand("g", ghost, SubType.DECODE, 1, 2, 1), a);
        a.first.get(settleSeconds(), TimeUnit.SECONDS);
        assertThat(a.calls).singleElement().asString().startsWith("failed");
        assertThat(discovered(ex).specReplicas())
                .as("the real target is untouched")
                .isEqualTo(1);
    }
}
