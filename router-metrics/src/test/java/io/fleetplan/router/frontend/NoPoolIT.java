package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.router.local.LocalRouter;
import io.fleetplan.router.testing.Stack;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class NoPoolIT {

    @Test
    void answers503WithRetryAfterWhenNoPoolHasAReadyWorker() throws Exception {
        try (Stack stack = new Stack()) {
            LocalRouter empty = stack.router("lonely");
            stack.frontend(FrontendConfig.singlePool("m", "lonely", Stack.address(empty), 0));
            HttpResponse<String> r = stack.post("/v1/chat/completions",
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"anyone?\"}]}");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("retry-after")).hasValue("1");
            assertThat(r.body()).contains("\"type\":\"service_unavailable\"").contains("No pool has a ready worker");
            assertThat(stack.get("/health").statusCode()).isEqualTo(503);
            String metrics = stack.get("/metrics").body();
            assertThat(metrics).contains("error_type=\"unavailable\"");
            assertThat(metrics).contains("dynamo_frontend_model_rejection_total{dynamo_namespace=\"dynamo\","
                    + "endpoint=\"chat_completions\",model=\"m\"} 1.0");
        }
    }
}
