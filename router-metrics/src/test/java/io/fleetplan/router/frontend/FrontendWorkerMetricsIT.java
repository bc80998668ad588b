package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetplan.proto.v1.WorkerRole;
import io.fleetplan.router.local.LocalRouter;
import io.fleetplan.router.testing.Stack;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Dynamo's planner reads the per-worker {@code dynamo_frontend_worker_*} gauges from the frontend's /metrics (the
 * URL it auto-discovers): the Frontend exports its routers' view of every worker, labelled with the worker's pool.
 */
class FrontendWorkerMetricsIT {

    @Test
    void theFrontendsMetricsCarryEveryPoolsPerWorkerGauges() throws Exception {
        try (Stack stack = new Stack()) {
            LocalRouter router = stack.router("fleet-decode");
            stack.worker(router, "d0", WorkerRole.DECODE, 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> router.workers().size() == 1);
            stack.frontend(
                    new FrontendConfig("mock-model", "fleet", null, 0, Stack.pools(router), null, 2000, 1000, 2, 50));
            assertThat(stack.post("/v1/completions", """
                    {"model":"mock-model","prompt":"one two three four five six","max_tokens":3}""").statusCode()).isEqualTo(200);
            stack.frontend.pollPools();
            String labels = "{dp_rank=\"0\",dynamo_namespace=\"fleet_decode\",worker_id=\"d0\",worker_type=\"decode\"}";
            String metrics = stack.get("/metrics").body();
            for (String name : new String[] {
                "dynamo_frontend_worker_active_prefill_tokens",
                "dynamo_frontend_worker_active_decode_blocks",
                "dynamo_frontend_worker_last_time_to_first_token_seconds",
                "dynamo_frontend_worker_last_inter_token_latency_seconds"
            }) {
                assertThat(metrics).contains(name + labels);
            }
            Matcher isl = Pattern.compile(
                            "dynamo_frontend_worker_last_input_sequence_tokens" + Pattern.quote(labels) + " ([0-9.]+)")
                    .matcher(metrics);
            assertThat(isl.find()).as(metrics).isTrue();
            assertThat(Double.parseDouble(isl.group(1)))
                    .as("the request's prompt, as the router saw it")
                    .isGreaterThan(0);
            // Dynamo's model config gauges, from the config the worker registered with (FakeWorker's)
            String model = "{dynamo_namespace=\"fleet\",model=\"mock-model\"} ";
            assertThat(metrics)
                    .contains(
                            "dynamo_frontend_model_total_kv_blocks" + model + "1000.0",
                            "dynamo_frontend_model_kv_cache_block_size" + model + "16.0",
                            "dynamo_frontend_model_max_num_seqs" + model + "64.0",
                            "dynamo_frontend_model_max_num_batched_tokens" + model + "8192.0",
                            "dynamo_frontend_model_context_length" + model + "2000.0",
                            "dynamo_frontend_model_migration_limit" + model + "0.0");
        }
    }
}
