package io.fleetplan.global.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.SubType;
import io.fleetplan.global.arbiter.TargetKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes (POSIX sh) standing in for mocker workers. */
class LocalProcessExecutorIT {

    private static final TargetKey DECODE = new TargetKey("local", "pool", "decode");

    @TempDir
    Path dir;

    /** A worker that drains for 300 ms on SIGTERM and writes a file when it has finished. */
    private LocalProcessExecutor.CommandLineFactory drainingWorker() {
        return (key, type, index) -> List.of("sh", "-c", "trap 'sleep 0.3; touch " + dir + "/drained-" + index
                + "; exit 0' TERM; echo " + key + " " + type.wireName() + " " + index + "; while true; do sleep 0.05; done");
    }

    private static final class Done implements ScaleExecutor.Listener {
        final CompletableFuture<Observation> result = new CompletableFuture<>();
        final AtomicReference<String> failure = new AtomicReference<>();

        @Override
        public void completed(ScaleCommand command, Observation now) {
            result.complete(now);
        }

        @Override
        public void failed(ScaleCommand command, Observation now, String message) {
            failure.set(message);
            result.complete(now);
        }
    }

    @Test
    void startsReplicasAndDrainsTheNewestBeforeReleasing() throws Exception {
        try (LocalProcessExecutor ex = new LocalProcessExecutor(drainingWorker(),
                List.of(new LocalProcessExecutor.Target(DECODE, SubType.DECODE, 1, 1)), Duration.ofSeconds(10), dir)) {
            ex.start();
            assertThat(ex.discover()).singleElement().satisfies(o -> assertThat(o.runningReplicas()).isEqualTo(1));

            Done up = new Done();
            ex.apply(new ScaleCommand("d1", DECODE, SubType.DECODE, 1, 3, 1), up);
            assertThat(up.result.get(10, TimeUnit.SECONDS).readyReplicas()).isEqualTo(3);
            assertThat(ex.pids(DECODE)).hasSize(3);
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(dir.resolve("pool-decode-2.log"))
                    && Files.readString(dir.resolve("pool-decode-2.log")).contains("local/pool/decode decode 2"));

            Done down = new Done();
            ex.apply(new ScaleCommand("d2", DECODE, SubType.DECODE, 3, 1, 1), down);
            Observation after = down.result.get(10, TimeUnit.SECONDS);
            // completion only after the drained workers finished
            assertThat(dir.resolve("drained-1")).exists();
            assertThat(dir.resolve("drained-2")).exists();
            assertThat(dir.resolve("drained-0")).doesNotExist();
            assertThat(after.runningReplicas()).isEqualTo(1);
            assertThat(after.specReplicas()).isEqualTo(1);
        }
        assertThat(dir.resolve("drained-0")).exists();
    }

    @Test
    void aCommandThatCannotStartFails() throws Exception {
        try (LocalProcessExecutor ex = new LocalProcessExecutor((k, t, i) -> List.of(dir + "/no-such-program"),
                List.of(new LocalProcessExecutor.Target(DECODE, SubType.DECODE, 1, 0)), Duration.ofSeconds(1), null)) {
            ex.start();
            Done up = new Done();
            ex.apply(new ScaleCommand("d", DECODE, SubType.DECODE, 0, 1, 1), up);
            up.result.get(10, TimeUnit.SECONDS);
            assertThat(up.failure.get()).contains("no-such-program");
        }
    }

    @Test
    void aWorkerThatDiesIsReported() throws Exception {
        try (LocalProcessExecutor ex = new LocalProcessExecutor((k, t, i) -> List.of("sh", "-c", "sleep 0.2; exit 3"),
                List.of(new LocalProcessExecutor.Target(DECODE, SubType.DECODE, 2, 1)), Duration.ofSeconds(1), dir)) {
            CompletableFuture<Observation> changed = new CompletableFuture<>();
            ex.watch(new ScaleExecutor.ChangeListener() {
                @Override
                public void changed(Observation now) {
                    changed.complete(now);
                }

                @Override
                public void removed(TargetKey target) {
                }
            });
            ex.start();
            Observation o = changed.get(10, TimeUnit.SECONDS);
            assertThat(o.runningReplicas()).isZero();
            assertThat(o.specReplicas()).isEqualTo(1);
        }
    }

    @Test
    void templatesFillThePlaceholders() {
        LocalProcessExecutor.CommandLineFactory f = LocalProcessExecutor.template(
                List.of("fleetplan", "up", "worker", "--pool", "{dgd}", "--ns", "{namespace}", "{component}", "{sub_type}",
                        "{index}", "{pool}"));
        assertThat(f.command(DECODE, SubType.AGGREGATED, 4))
                .containsExactly("fleetplan", "up", "worker", "--pool", "pool", "--ns", "local", "decode", "agg", "4",
                        "local/pool");
    }
}
