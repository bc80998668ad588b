package io.fleetplan.router.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.time.VirtualScheduler;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class PoolRouterTest {

    private final VirtualScheduler time = new VirtualScheduler();

    private PoolRouter router(RouterConfig config, String... workers) {
        PoolRouter r = new PoolRouter(config, time.clock(), new SplittableRandom(42));
        for (String w : workers) {
            r.register(WorkerSpec.of(w));
        }
        return r;
    }

    private static long[] prompt(int family, int blocks) {
        long[] h = new long[blocks];
        for (int i = 0; i < blocks; i++) {
            h[i] = family * 100_000L + i;
        }
        return h;
    }

    private static KvEvent.Stored stored(long[] h) {
        return new KvEvent.Stored(false, 0, h, h);
    }

    @Test
    void prefersTheWorkerHoldingThePrefix() {
        PoolRouter r = router(RouterConfig.defaults(), "a", "b", "c");
        long[] p = prompt(1, 32);
        r.applyKvEvent("b", stored(p));
        RouteDecision d = r.route(RouteRequest.of("r1", p, 32 * 64));
        assertThat(d.workerId()).isEqualTo("b");
        assertThat(d.reason()).isEqualTo(RouteReason.KV_LOWEST_COST);
        assertThat(d.overlapBlocks()).isEqualTo(32);
        assertThat(d.kvHitRate()).isEqualTo(1.0);
        assertThat(d.uncachedTokens(32 * 64)).as("nothing left to prefill").isZero();
        assertThat(new RouteDecision("a", RouteReason.KV_LOWEST_COST, 8, 32, 0, 3).uncachedTokens(2048))
                .isEqualTo(1536);
        // cost: prefill max(0 + 32 - 32, 0) = 0, decode 32 new blocks
        assertThat(d.cost()).isEqualTo(32.0);
    }

    @Test
    void loadOutweighsASmallOverlap() {
        PoolRouter r = router(RouterConfig.defaults(), "a", "b");
        long[] shared = prompt(1, 2);
        r.applyKvEvent("a", stored(shared));
        // load worker a with three long requests
        for (int i = 0; i < 3; i++) {
            r.route(new RouteRequest("bg" + i, prompt(10 + i, 40), 40 * 64, "a", Set.of()));
        }
        long[] p = new long[20];
        System.arraycopy(shared, 0, p, 0, 2);
        for (int i = 2; i < 20; i++) {
            p[i] = 777_000L + i;
        }
        assertThat(r.route(RouteRequest.of("x", p, 20 * 64)).workerId()).isEqualTo("b");
    }

    @Test
    void costFollowsTheFormulaWithTrackedLoad() {
        PoolRouter r = router(RouterConfig.builder().prefillLoadScale(2.0).build(), "a");
        r.route(new RouteRequest("bg", prompt(5, 10), 10 * 64 + 10, "a", Set.of()));
        WorkerView a = r.worker("a");
        assertThat(a.routerPrefillTokens()).isEqualTo(650);
        assertThat(a.routerDecodeBlocks()).as("10 full blocks + 1 partial").isEqualTo(11);
        r.register(WorkerSpec.of("b"));
        // a: prefill (650/64 + 4) * 2 + decode (11 + 4); b: prefill 4 * 2 + decode 4
        RouteDecision d = r.route(RouteRequest.of("x", prompt(6, 4), 4 * 64));
        assertThat(d.workerId()).isEqualTo("b");
        assertThat(d.cost()).isEqualTo(12.0);
        r.firstToken("bg");
        assertThat(r.worker("a").routerPrefillTokens()).isZero();
        r.finished("bg");
        assertThat(r.worker("a").routerDecodeBlocks()).isZero();
        assertThat(r.worker("a").inFlight()).isZero();
    }

    @Test
    void sharedPrefixBlocksOfActiveRequestsCountOnce() {
        PoolRouter r = router(RouterConfig.defaults(), "a");
        r.route(RouteRequest.of("1", prompt(1, 8), 8 * 64));
        r.route(RouteRequest.of("2", prompt(1, 8), 8 * 64));
        assertThat(r.worker("a").routerDecodeBlocks()).isEqualTo(8);
        PoolRouter noReuse = router(RouterConfig.builder().assumeKvReuse(false).build(), "a");
        noReuse.route(RouteRequest.of("1", prompt(1, 8), 8 * 64));
        noReuse.route(RouteRequest.of("2", prompt(1, 8), 8 * 64));
        assertThat(noReuse.worker("a").routerDecodeBlocks()).isEqualTo(16);
    }

    @Test
    void tiesGoToTheSmallestTreeThenRandom() {
        PoolRouter r = router(RouterConfig.defaults(), "a", "b", "c");
        r.applyKvEvent("a", stored(prompt(9, 5)));
        r.applyKvEvent("c", stored(prompt(8, 2)));
        RouteDecision d = r.route(RouteRequest.of("x", prompt(1, 4), 256));
        assertThat(d.workerId()).isEqualTo("b");
        assertThat(d.reason()).isEqualTo(RouteReason.KV_TIE_SMALLEST_TREE);
        Map<String, Integer> counts = new HashMap<>();
        PoolRouter idle = router(RouterConfig.defaults(), "a", "b", "c");
        for (int i = 0; i < 300; i++) {
            RouteDecision t = idle.route(RouteRequest.of("r" + i, new long[0], 0));
            assertThat(t.reason()).isEqualTo(RouteReason.KV_TIE_RANDOM);
            counts.merge(t.workerId(), 1, Integer::sum);
        }
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isGreaterThan(60));
    }

    @Test
    void temperatureSamplesCheaperWorkersMoreOften() {
        RouterConfig cfg = RouterConfig.builder().temperature(0.5).build();
        PoolRouter r = router(cfg, "hot", "cold");
        r.route(new RouteRequest("bg", prompt(3, 100), 6400, "hot", Set.of()));
        int cold = 0;
        for (int i = 0; i < 400; i++) {
            RouteDecision d = r.route(RouteRequest.of("r" + i, prompt(4 + i, 4), 256));
            assertThat(d.reason()).isEqualTo(RouteReason.KV_SOFTMAX);
            if (d.workerId().equals("cold")) {
                cold++;
            }
            r.finished("r" + i);
        }
        // normalised costs 0 and 1 at T=0.5: p(cold) = 1 / (1 + e^-2) = 0.88
        assertThat(cold).isBetween(320, 385);
    }

    @Test
    void roundRobinAndRandomModes() {
        PoolRouter rr = router(RouterConfig.builder().mode("round-robin").build(), "a", "b", "c");
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            order.append(rr.route(RouteRequest.of("r" + i, null, 10)).workerId());
        }
        assertThat(order.toString()).isEqualTo("abcabc");
        PoolRouter rnd = router(RouterConfig.builder().mode("random").build(), "a", "b");
        assertThat(rnd.route(RouteRequest.of("x", null, 10)).reason()).isEqualTo(RouteReason.RANDOM);
    }

    @Test
    void drainingAndExcludedWorkersAreSkipped() {
        PoolRouter r = router(RouterConfig.defaults(), "a", "b");
        long[] p = prompt(1, 8);
        r.applyKvEvent("a", stored(p));
        r.setDraining("a", true);
        assertThat(r.route(RouteRequest.of("1", p, 512)).workerId()).isEqualTo("b");
        assertThat(r.route(RouteRequest.of("2", p, 512).excluding(Set.of("b"))).reason())
                .isEqualTo(RouteReason.NO_READY_WORKER);
        assertThat(r.readyWorkers()).isEqualTo(1);
        assertThat(r.workers()).extracting(WorkerView::draining).containsExactly(true, false);
    }

    @Test
    void silentWorkersAreRemovedAfterTheTimeout() {
        PoolRouter r = router(RouterConfig.builder().heartbeatTimeoutMs(3000).build(), "a", "b");
        time.advanceBy(Duration.ofMillis(2000));
        r.heartbeat("a", null, null);
        time.advanceBy(Duration.ofMillis(1500));
        assertThat(r.worker("b").ready()).isFalse();
        assertThat(r.expire()).containsExactly("b");
        assertThat(r.heartbeat("b", false, null))
                .as("unknown: must register again")
                .isFalse();
        assertThat(r.workers()).extracting(WorkerView::id).containsExactly("a");
    }

    @Test
    void failedWorkerIsSkippedUntilHeardFromAgain() {
        PoolRouter r = router(RouterConfig.defaults(), "a", "b");
        RouteDecision first = r.route(RouteRequest.of("1", prompt(1, 2), 128));
        r.markFailed(first.workerId());
        RouteDecision retry = r.route(RouteRequest.of("1", prompt(1, 2), 128).excluding(Set.of(first.workerId())));
        assertThat(retry.workerId()).isNotEqualTo(first.workerId());
        assertThat(r.worker(first.workerId()).inFlight())
                .as("retry moved the load")
                .isZero();
        assertThat(r.worker(first.workerId()).ready()).isFalse();
        r.heartbeat(first.workerId(), null, null);
        assertThat(r.worker(first.workerId()).ready()).isTrue();
    }

    @Test
    void busyWorkersAreDroppedAndAllBusyRejects() {
        RouterConfig cfg =
                RouterConfig.builder().activeDecodeBlocksThreshold(0.5).build();
        PoolRouter r = router(cfg, "a", "b");
        r.heartbeat("a", null, new ReportedLoad(9000, 0, 9000, 16384, 10, 0, 0.9));
        assertThat(r.route(RouteRequest.of("1", null, 64)).workerId()).isEqualTo("b");
        r.heartbeat("b", null, new ReportedLoad(9000, 0, 9000, 16384, 10, 0, 0.6));
        assertThat(r.route(RouteRequest.of("2", null, 64)).reason()).isEqualTo(RouteReason.ALL_WORKERS_BUSY);
    }

    @Test
    void approximateModeRemembersOwnDecisionsUntilTheTtl() {
        RouterConfig cfg =
                RouterConfig.builder().useKvEvents(false).ttlSecs(120).build();
        PoolRouter r = router(cfg, "a", "b", "c");
        long[] p = prompt(1, 16);
        String first = r.route(RouteRequest.of("1", p, 1024)).workerId();
        r.finished("1");
        beat(r, 60);
        assertThat(r.route(RouteRequest.of("2", p, 1024)).workerId()).isEqualTo(first);
        r.finished("2");
        beat(r, 90);
        r.expire();
        assertThat(r.route(RouteRequest.of("3", p, 1024)).overlapBlocks())
                .as("refreshed at 60 s")
                .isEqualTo(16);
        r.finished("3");
        beat(r, 200);
        r.expire();
        assertThat(r.index().treeSize(0) + r.index().treeSize(1) + r.index().treeSize(2))
                .isZero();
    }

    private void beat(PoolRouter r, int seconds) {
        time.advanceBy(Duration.ofSeconds(seconds));
        for (WorkerView v : r.workers()) {
            r.heartbeat(v.id(), null, null);
        }
    }

    @Test
    void reRegistrationStartsFromAnEmptyCache() {
        PoolRouter r = router(RouterConfig.defaults(), "a");
        r.applyKvEvent("a", stored(prompt(1, 4)));
        r.route(RouteRequest.of("1", prompt(1, 4), 256));
        assertThat(r.register(WorkerSpec.of("a"))).isFalse();
        assertThat(r.worker("a").cachedBlocks()).isZero();
        assertThat(r.worker("a").inFlight()).isZero();
        assertThat(r.workerOf("1")).isNull();
    }

    @Test
    void pinnedWorkerIsUsedOrRejected() {
        PoolRouter r = router(RouterConfig.defaults(), "a", "b");
        assertThat(r.route(new RouteRequest("1", null, 64, "b", Set.of())).reason())
                .isEqualTo(RouteReason.PINNED);
        assertThat(r.route(new RouteRequest("2", null, 64, "zz", Set.of())).reason())
                .isEqualTo(RouteReason.PINNED_WORKER_UNAVAILABLE);
    }

    @Test
    void overlapWeightZeroDisablesTheIndex() {
        RouterConfig cfg = new RouterConfig(
                null, null, null, 0.0, null, null, null, null, null, null, null, null, null, null, null, null, null);
        assertThat(cfg.usesOverlap()).isFalse();
        assertThat(cfg.prefillLoadScale()).isZero();
        RouterConfig legacy = new RouterConfig(
                null, null, null, 2.0, null, null, null, null, null, null, null, null, null, null, null, null, null);
        assertThat(legacy.prefillLoadScale()).isEqualTo(2.0);
    }

    /** Randomised: every routed request is on an eligible worker and load returns to zero when all finish. */
    @RepeatedTest(10)
    void loadIsConserved(RepetitionInfo info) {
        long seed = 31L * info.getCurrentRepetition();
        Random rnd = new Random(seed);
        PoolRouter r =
                new PoolRouter(RouterConfig.builder().seed(seed).build(), time.clock(), new SplittableRandom(seed));
        for (int w = 0; w < 6; w++) {
            r.register(WorkerSpec.of("w" + w));
        }
        for (int i = 0; i < 300; i++) {
            int family = rnd.nextInt(10);
            int blocks = 1 + rnd.nextInt(30);
            RouteDecision d = r.route(RouteRequest.of("r" + i, prompt(family, blocks), blocks * 64 + rnd.nextInt(64)));
            assertThat(d.routed()).as("seed %d", seed).isTrue();
            if (rnd.nextBoolean()) {
                r.applyKvEvent(d.workerId(), stored(prompt(family, blocks)));
            }
            if (rnd.nextInt(3) == 0) {
                r.firstToken("r" + i);
            }
        }
        for (int i = 0; i < 300; i++) {
            r.finished("r" + i);
        }
        assertThat(r.workers()).as("seed %d", seed).allSatisfy(v -> {
            assertThat(v.routerDecodeBlocks()).isZero();
            assertThat(v.routerPrefillTokens()).isZero();
            assertThat(v.inFlight()).isZero();
        });
    }
}
