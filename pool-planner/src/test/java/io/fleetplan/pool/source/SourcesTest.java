package io.fleetplan.pool.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fleetplan.pool.core.EngineSnapshot;
import io.fleetplan.pool.core.FinishedPrompts;
import io.fleetplan.pool.core.TrafficSample;
import io.fleetplan.pool.perf.EngineLimits;
import io.fleetplan.proto.v1.ActiveLoad;
import io.fleetplan.proto.v1.FinishedPrompt;
import io.fleetplan.proto.v1.ForwardPassMetrics;
import io.fleetplan.proto.v1.PoolMetrics;
import io.fleetplan.proto.v1.QueuedRequests;
import io.fleetplan.proto.v1.ScheduledRequests;
import io.fleetplan.proto.v1.WorkerLoad;
import io.fleetplan.proto.v1.WorkerRole;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourcesTest {

    @Test
    void promQlIsDynamosForBothSources() {
        assertThat(PromQl.routerAverage(PromQl.Quantity.TTFT, "my-pool", "180s"))
                .isEqualTo(
                        "sum(increase(dynamo_component_router_time_to_first_token_seconds_sum{dynamo_namespace=\"my_pool\"}[180s]))"
                                + " / sum(increase(dynamo_component_router_time_to_first_token_seconds_count{dynamo_namespace=\"my_pool\"}[180s]))");
        assertThat(PromQl.routerRequests("ns", "180s"))
                .isEqualTo(
                        "sum(increase(dynamo_component_router_requests_started_total{dynamo_namespace=\"ns\"}[180s]) or ignoring(__name__) "
                                + "increase(dynamo_component_router_requests_total{dynamo_namespace=\"ns\"}[180s]))");
        assertThat(PromQl.routerRequestsFallback("ns", "180s"))
                .isEqualTo("sum(increase(dynamo_component_router_requests_total{dynamo_namespace=\"ns\"}[180s]))");
        assertThat(PromQl.frontendAverage(PromQl.Quantity.ITL, "180s"))
                .isEqualTo(
                        "sum by (model, dynamo_namespace) (increase(dynamo_frontend_inter_token_latency_seconds_sum[180s])) / "
                                + "sum by (model, dynamo_namespace) (increase(dynamo_frontend_inter_token_latency_seconds_count[180s]))");
        assertThat(PromQl.frontendRequests("180s")).isEqualTo("increase(dynamo_frontend_requests_started_total[180s])");
        assertThat(PromQl.routerKvHitRate("my-pool", "180s"))
                .isEqualTo(
                        "sum(increase(dynamo_component_router_kv_hit_rate_sum{dynamo_namespace=\"my_pool\"}[180s])) / "
                                + "sum(increase(dynamo_component_router_kv_hit_rate_count{dynamo_namespace=\"my_pool\"}[180s]))");
        assertThat(PromQl.routerAverage(PromQl.Quantity.DURATION, "", "60s"))
                .isEqualTo("sum(increase(dynamo_component_request_duration_seconds_sum[60s])) / "
                        + "sum(increase(dynamo_component_request_duration_seconds_count[60s]))");
    }

    @Test
    void scrapeReadsPerWorkerGaugesAndSkipsDrainingWorkers() {
        String text = """
                # HELP dynamo_frontend_worker_active_prefill_tokens x
                # TYPE dynamo_frontend_worker_active_prefill_tokens gauge
                dynamo_frontend_worker_active_prefill_tokens{dynamo_namespace="p",router_id="r",worker_id="w1",dp_rank="0",worker_type="prefill"} 4096.0
                dynamo_frontend_worker_active_decode_blocks{dynamo_namespace="p",router_id="r",worker_id="w2",dp_rank="0",worker_type="decode"} 10.0
                dynamo_frontend_worker_active_decode_blocks{dynamo_namespace="p",router_id="r",worker_id="w3",dp_rank="0",worker_type="decode"} 0.0
                fleetplan_router_worker_running_requests{dynamo_namespace="p",router_id="r",worker_id="w2",dp_rank="0",worker_type="decode"} 7.0
                fleetplan_router_worker_draining{dynamo_namespace="p",router_id="r",worker_id="w3",dp_rank="0",worker_type="decode"} 1.0
                """;
        EngineSnapshot s = MetricsScrapeSource.parse(text, Instant.EPOCH, 64, EngineLimits.UNKNOWN);
        assertThat(s.prefill())
                .singleElement()
                .satisfies(e -> assertThat(e.queuedPrefillTokens()).isEqualTo(4096));
        assertThat(s.decode()).singleElement().satisfies(e -> {
            assertThat(e.workerId()).isEqualTo("w2");
            assertThat(e.scheduledKvTokens()).isEqualTo(640);
            assertThat(e.runningRequests()).isEqualTo(7);
        });
    }

    @Test
    void scrapeReadsLabelValuesHoldingBracesQuotesSlashesAndEscapes() {
        // a Frontend's page lists every pool's workers; ids and other labels may hold any character
        String text = """
                # TYPE dynamo_frontend_worker_active_decode_blocks gauge
                dynamo_frontend_worker_active_decode_blocks{dynamo_namespace="pool-a",worker_id="ns/pod-0 {a}",dp_rank="1",worker_type="decode"} 3
                dynamo_frontend_worker_active_decode_blocks{note="say \\"hi\\", a}=b \\\\",dynamo_namespace="pool_a",worker_id="w\\"2",worker_type="decode"} 5 1700000000000
                dynamo_frontend_worker_active_decode_blocks{dynamo_namespace="pool_b",worker_id="other",worker_type="decode"} 9
                dynamo_frontend_worker_active_prefill_tokens{dynamo_namespace="pool_a",worker_id="ns/pod-0 {a}",dp_rank="1",worker_type="decode"} 128
                """;
        EngineSnapshot s = MetricsScrapeSource.parse(text, "pool-a", Instant.EPOCH, 64, EngineLimits.UNKNOWN);
        assertThat(s.prefill()).isEmpty();
        assertThat(s.decode())
                .extracting(e ->
                        e.workerId() + "#" + e.dpRank() + "=" + e.scheduledKvTokens() + "/" + e.queuedPrefillTokens())
                .containsExactly("ns/pod-0 {a}#1=192.0/128.0", "w\"2#0=320.0/0.0");
        assertThat(ExpositionText.sample("m{a=\"x\\ny\",b=\"\\\\\"} 1").labels())
                .containsExactly(Map.entry("a", "x\ny"), Map.entry("b", "\\"));
        assertThat(ExpositionText.sample("m{a=\"unterminated} 1")).isNull();
    }

    private static PoolMetrics metrics(
            double time, long total, double n, double isl, double ttft, WorkerLoad... workers) {
        return PoolMetrics.newBuilder()
                .setTime(time)
                .setRequestsTotal(total)
                .setNumRequests(n)
                .setMeanIsl(isl)
                .setMeanOsl(100)
                .setMeanTtftMs(ttft)
                .setMeanItlMs(20)
                .addAllWorkers(List.of(workers))
                .build();
    }

    private static WorkerLoad worker(String id, WorkerRole role, boolean draining, long counter) {
        return WorkerLoad.newBuilder()
                .setWorkerId(id)
                .setRole(role)
                .setDraining(draining)
                .setLoad(ActiveLoad.newBuilder()
                        .setKvTotalBlocks(1000)
                        .setActiveDecodeBlocks(5)
                        .setNumRunningReqs(3))
                .setLastFpm(ForwardPassMetrics.newBuilder()
                        .setWorkerId(id)
                        .setCounterId(counter)
                        .setWallTime(0.02)
                        .setScheduledRequests(ScheduledRequests.newBuilder()
                                .setNumDecodeRequests(3)
                                .setSumDecodeKvTokens(3000))
                        .setQueuedRequests(QueuedRequests.newBuilder().setSumPrefillTokens(512)))
                .build();
    }

    @Test
    void routerStreamGivesTrafficBetweenCallsLoadAndNewFpms() {
        RouterStreamSource s = new RouterStreamSource(16);
        assertThat(s.traffic(Instant.EPOCH, 180)).isNull();
        s.accept(metrics(1000, 50, 0, 0, 0, worker("d1", WorkerRole.DECODE, false, 1)));
        assertThat(s.traffic(Instant.EPOCH, 180))
                .as("the window opened at the first message is still empty")
                .isNull();
        s.accept(metrics(1090, 80, 30, 1000, 200, worker("d1", WorkerRole.DECODE, false, 1)));
        s.accept(metrics(
                1180,
                110,
                10,
                3000,
                400,
                worker("d1", WorkerRole.DECODE, false, 2),
                worker("d2", WorkerRole.DECODE, true, 9),
                worker("p1", WorkerRole.PREFILL, false, 1)));
        TrafficSample t = s.traffic(Instant.EPOCH, 180);
        assertThat(t.windowSeconds()).isEqualTo(180);
        assertThat(t.numRequests()).isEqualTo(60);
        assertThat(t.isl()).isCloseTo((30 * 1000 + 10 * 3000) / 40.0, within(1e-9)); // request-weighted
        assertThat(t.ttftMs()).isCloseTo((30 * 200 + 10 * 400) / 40.0, within(1e-9));
        EngineSnapshot e = s.engines(Instant.EPOCH);
        assertThat(e.decode()).singleElement().satisfies(l -> {
            assertThat(l.workerId()).isEqualTo("d1"); // the draining d2 is left out
            assertThat(l.scheduledKvTokens()).isEqualTo(3000);
            assertThat(l.queuedPrefillTokens()).isEqualTo(512);
            assertThat(l.limits().maxKvTokens()).isEqualTo(16_000);
            assertThat(l.runningRequests()).isEqualTo(3);
        });
        assertThat(e.prefill()).hasSize(1);
        // FPMs: d1 counters 1 and 2 (1 only once), d2 9, p1 1
        assertThat(s.drainFpms()).hasSize(4);
        assertThat(s.drainFpms()).isEmpty();
    }

    @Test
    void routerStreamGivesTheWindowsKvHitRateFromTheCumulativeSumAndCount() {
        RouterStreamSource s = new RouterStreamSource(16);
        s.accept(metrics(1000, 50, 0, 0, 0).toBuilder()
                .setKvHitRateSum(10)
                .setKvHitRateCount(40)
                .build());
        assertThat(s.traffic(Instant.EPOCH, 60)).isNull();
        s.accept(metrics(1030, 80, 30, 1000, 200).toBuilder()
                .setKvHitRateSum(22)
                .setKvHitRateCount(60)
                .build());
        s.accept(metrics(1060, 90, 10, 1000, 200).toBuilder()
                .setKvHitRateSum(40)
                .setKvHitRateCount(100)
                .build());
        // (40 - 10) / (100 - 40): weighted by routed requests, not by the two messages
        assertThat(s.traffic(Instant.EPOCH, 60).kvHitRate()).isCloseTo(0.5, within(1e-9));
        assertThat(s.recent(Instant.EPOCH, 30).kvHitRate()).isCloseTo(18 / 40.0, within(1e-9));
        s.accept(metrics(1090, 90, 0, 0, 0).toBuilder()
                .setKvHitRateSum(40)
                .setKvHitRateCount(100)
                .build());
        assertThat(s.traffic(Instant.EPOCH, 30).kvHitRate())
                .as("nothing routed: unknown")
                .isNaN();
    }

    @Test
    void aTrafficCallBeforeTheFirstMessageOpensTheWindowAtThatMessage() {
        RouterStreamSource s = new RouterStreamSource(16);
        // the planner's first tick comes before the stream's first message
        assertThat(s.traffic(Instant.EPOCH, 30)).isNull();
        for (int i = 0; i <= 29; i++) {
            s.accept(metrics(1000 + i, 2L * i, i == 0 ? 0 : 2, 1000, 300));
        }
        // the next run gets the 29 s since the first message, not an empty "start of the window"
        TrafficSample t = s.traffic(Instant.EPOCH, 30);
        assertThat(t).isNotNull();
        assertThat(t.windowSeconds()).isEqualTo(29);
        assertThat(t.numRequests()).isEqualTo(58);
        assertThat(t.ttftMs()).isEqualTo(300);
    }

    @Test
    void withoutTrafficCallsNoMessagesPileUp() {
        RouterStreamSource s = new RouterStreamSource(16);
        for (int i = 0; i < 1000; i++) {
            s.accept(metrics(i, i, 1, 1000, 300));
        }
        // a planner without a throughput loop never asks for a traffic window
        assertThat(s.pendingTrafficMessages()).isZero();
        assertThat(s.traffic(Instant.EPOCH, 30))
                .as("the first call opens a window")
                .isNull();
        s.accept(metrics(1000, 1000, 1, 1000, 300));
        assertThat(s.pendingTrafficMessages()).isEqualTo(1);
    }

    @Test
    void routerStreamRecentWindowCountsArrivalsAndTheOldestWaitWithoutConsumingTheTrafficWindow() {
        RouterStreamSource s = new RouterStreamSource(16);
        assertThat(s.recent(Instant.EPOCH, 10)).isNull();
        for (int i = 0; i <= 20; i++) {
            // every second 2 finish (TTFT 300 ms) and 6 arrive; the oldest waiting request is i x 400 ms old
            s.accept(metrics(1000 + i, 2L * i, 2, 1000, 300, worker("p1", WorkerRole.PREFILL, false, i)).toBuilder()
                    .setArrivalsTotal(6L * i)
                    .setOldestWaitingMs(400.0 * i)
                    .build());
        }
        TrafficSample r = s.recent(Instant.EPOCH, 10);
        assertThat(r.windowSeconds()).isEqualTo(10);
        assertThat(r.numRequests()).isEqualTo(20);
        assertThat(r.arrivals()).isEqualTo(60);
        assertThat(r.ttftMs()).isEqualTo(300);
        assertThat(r.oldestWaitMs()).isEqualTo(8000);
        assertThat(s.recent(Instant.EPOCH, 10)).as("not consumed").isEqualTo(r);
        s.traffic(Instant.EPOCH, 180);
        assertThat(s.recent(Instant.EPOCH, 10))
                .as("the throughput window does not consume it either")
                .isEqualTo(r);
    }

    @Test
    void routerStreamRecentWindowShorterThanAskedCountsOnlyWhatFinishedInsideIt() {
        RouterStreamSource s = new RouterStreamSource(16);
        for (int i = 0; i <= 4; i++) {
            // every second 2 finish and 3 arrive; the first message's 2 finished before the window it starts
            s.accept(metrics(1000 + i, 2L * i, 2, 1000, 300).toBuilder()
                    .setArrivalsTotal(3L * i)
                    .build());
        }
        TrafficSample r = s.recent(Instant.EPOCH, 10);
        assertThat(r.windowSeconds()).isEqualTo(4);
        assertThat(r.numRequests()).isEqualTo(8);
        assertThat(r.arrivals()).isEqualTo(12);
    }

    @Test
    void routerStreamRecentWindowGivesThePromptsOneByOneAndTheOldestWaitingPrompt() {
        RouterStreamSource s = new RouterStreamSource(16);
        for (int i = 0; i <= 20; i++) {
            // every second 2 finish: a 1,000-token prompt (TTFT 100 + i ms) and a 30,000-token one (3 s)
            s.accept(metrics(1000 + i, 2L * i, 2, 1000, 300).toBuilder()
                    .setArrivalsTotal(2L * i)
                    .setOldestWaitingMs(1500)
                    .setOldestWaitingIsl(i == 20 ? 30_000 : 0)
                    .addFinishedPrompts(
                            FinishedPrompt.newBuilder().setNewTokens(1000).setTtftMs(100 + i))
                    .addFinishedPrompts(
                            FinishedPrompt.newBuilder().setNewTokens(30_000).setTtftMs(3000))
                    .build());
        }
        TrafficSample r = s.recent(Instant.EPOCH, 10);
        assertThat(r.oldestWaitIsl()).isEqualTo(30_000);
        FinishedPrompts p = r.prompts();
        assertThat(p.size()).as("the 10 messages after the window's start").isEqualTo(20);
        assertThat(p.newTokens(0)).isEqualTo(1000);
        assertThat(p.ttftMs(0)).isEqualTo(111);
        assertThat(p.newTokens(19)).isEqualTo(30_000);
        // a router that predates the fields: the oldest prompt and the prompts are unknown, not "none"
        RouterStreamSource old = new RouterStreamSource(16);
        for (int i = 0; i <= 3; i++) {
            old.accept(metrics(1000 + i, 2L * i, 2, 1000, 300).toBuilder()
                    .setArrivalsTotal(2L * i)
                    .setOldestWaitingMs(1500)
                    .build());
        }
        TrafficSample o = old.recent(Instant.EPOCH, 10);
        assertThat(o.oldestWaitIsl()).isNaN();
        assertThat(o.prompts()).isNull();
    }

    @Test
    void routerStreamKeepsABoundedNumberOfFinishedPrompts() {
        RouterStreamSource s = new RouterStreamSource(16);
        for (int i = 0; i < 20; i++) {
            PoolMetrics.Builder m =
                    metrics(1000 + i, 4096L * i, 4096, 1000, 300).toBuilder().setArrivalsTotal(4096L * i);
            for (int k = 0; k < 4096; k++) {
                m.addFinishedPrompts(
                        FinishedPrompt.newBuilder().setNewTokens(1000 + i).setTtftMs(300));
            }
            s.accept(m.build());
        }
        FinishedPrompts p = s.recent(Instant.EPOCH, 600).prompts();
        assertThat(p.size()).isEqualTo(RouterStreamSource.MAX_PROMPTS);
        assertThat(p.newTokens(p.size() - 1)).as("the latest are kept").isEqualTo(1019);
    }

    @Test
    void routerStreamHistoryIsBounded() {
        RouterStreamSource s = new RouterStreamSource(16);
        for (int i = 0; i < RouterStreamSource.MAX_HISTORY + 100; i++) {
            s.accept(metrics(i, i, 1, 1000, 300).toBuilder().setArrivalsTotal(i).build());
        }
        // a window longer than the history covers what is kept
        assertThat(s.recent(Instant.EPOCH, 100_000).windowSeconds()).isEqualTo(RouterStreamSource.MAX_HISTORY - 1);
    }
}
