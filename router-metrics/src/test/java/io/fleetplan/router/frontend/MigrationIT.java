package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.proto.v1.WorkerRole;
import io.fleetplan.router.global.GlobalRouterConfig;
import io.fleetplan.router.local.LocalRouter;
import io.fleetplan.router.testing.FakeWorker;
import io.fleetplan.router.testing.Stack;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A request whose decode pool fails before the first token moves to the next pool, and is counted as migrated. */
class MigrationIT {

    @Test
    void aRequestMovedToAnotherPoolCountsAsAMigration() throws Exception {
        try (Stack stack = new Stack()) {
            LocalRouter prefill = stack.router("prefill-m");
            LocalRouter broken = stack.router("decode-broken");
            LocalRouter good = stack.router("decode-good");
            stack.worker(prefill, "p0", WorkerRole.PREFILL, 1);
            FakeWorker failing = stack.worker(broken, "d-broken", WorkerRole.DECODE, 1);
            failing.failBeforeTokens(true);
            stack.worker(good, "d-good", WorkerRole.DECODE, 1);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> prefill.workers().size() == 1
                            && broken.workers().size() == 1
                            && good.workers().size() == 1);
            // every request goes to decode-broken first; with priority retry a failure before the first token
            // moves it to decode-good
            GlobalRouterConfig gr = ConfigLoader.parse("""
                    mode: disagg
                    num_prefill_pools: 1
                    num_decode_pools: 2
                    prefill_pool_dynamo_namespaces: [prefill-m]
                    decode_pool_dynamo_namespaces: [decode-broken, decode-good]
                    enable_priority_retry: true
                    prefill_pool_selection_strategy: {isl_min: 0, isl_max: 1000, isl_resolution: 1, ttft_min: 0,
                      ttft_max: 1000, ttft_resolution: 1, prefill_pool_mapping: [[0]]}
                    decode_pool_selection_strategy: {context_length_min: 0, context_length_max: 1000,
                      context_length_resolution: 1, itl_min: 0, itl_max: 100, itl_resolution: 1,
                      decode_pool_mapping: [[0]]}
                    """, "gr.yaml", GlobalRouterConfig.class);
            stack.frontend(new FrontendConfig(
                    "m", "mig", null, 0, Stack.pools(prefill, broken, good), gr, null, null, null, 50));
            HttpResponse<String> r =
                    stack.post("/v1/completions", "{\"model\":\"m\",\"prompt\":\"move me\",\"max_tokens\":3}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(stack.get("/metrics").body())
                    .containsPattern(
                            "dynamo_frontend_model_migration_total\\{dynamo_namespace=\"mig\",migration_type=\"new_request\","
                                    + "model=\"m\"} [1-9]");
        }
    }
}
