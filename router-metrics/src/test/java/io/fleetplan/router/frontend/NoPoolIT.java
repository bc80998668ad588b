package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.proto.v1.WorkerRole;
import io.fleetplan.router.local.LocalRouter;
import io.fleetplan.router.testing.Stack;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NoPoolIT {

    @Test
    void answers503WithRetryAfterWhenNoPoolHasAReadyWorker() throws Exception {
        try (Stack stack = new Stack()) {
            LocalRouter empty = stack.router("lonely");
            stack.frontend(FrontendConfig.singlePool("m", "lonely", Stack.address(empty), 0));
            HttpResponse<String> r = stack.post(
                    "/v1/chat/completions",
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"anyone?\"}]}");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("retry-after")).hasValue("1");
            assertThat(r.body()).contains("\"type\":\"service_unavailable\"").contains("No pool has a ready worker");
            assertThat(stack.get("/health").statusCode()).isEqualTo(503);
            String metrics = stack.get("/metrics").body();
            assertThat(metrics).contains("error_type=\"unavailable\"");
            assertThat(metrics)
                    .contains("dynamo_frontend_model_rejection_total{dynamo_namespace=\"dynamo\","
                            + "endpoint=\"chat_completions\",model=\"m\"} 1.0");
        }
    }

    /** With unready_wait_ms a request waits for the pool's worker to come (back) instead of failing at once. */
    @Test
    void waitsForAPoolThatGetsAReadyWorkerWithinUnreadyWait() throws Exception {
        try (Stack stack = new Stack()) {
            LocalRouter router = stack.router("coming");
            FrontendConfig one = FrontendConfig.singlePool("m", "coming", Stack.address(router), 0);
            stack.frontend(new FrontendConfig(
                    one.model(),
                    one.dynamoNamespace(),
                    one.host(),
                    one.httpPort(),
                    one.poolRouters(),
                    one.globalRouter(),
                    null,
                    null,
                    null,
                    50,
                    null,
                    null,
                    10_000));
            CompletableFuture<HttpResponse<String>> r = CompletableFuture.supplyAsync(() -> {
                try {
                    return stack.post(
                            "/v1/chat/completions",
                            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"anyone?\"}]}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1_000);
            assertThat(r).as("held while the pool has no ready worker").isNotDone();
            stack.worker(router, "late", WorkerRole.AGGREGATED, 1);
            assertThat(r.get(15, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }
}
