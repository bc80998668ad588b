package io.fleetplan.mocker.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.mocker.engine.LoadSnapshot;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {

    private static String scrape(WorkerMetrics m) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.write(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void namespaceIsSpelledAsTheRouterAndDynamosPlannerQueriesSpellIt() throws Exception {
        WorkerMetrics m = new WorkerMetrics(
                "fleetplan-decode", "backend", "w1", "m", 0, 64, 1024, Instant.ofEpochSecond(1_700_000_000));
        String text = scrape(m);
        assertThat(text)
                .contains("dynamo_component_request_duration_seconds_count{dynamo_component=\"backend\","
                        + "dynamo_endpoint=\"generate\",dynamo_namespace=\"fleetplan_decode\"")
                .doesNotContain("fleetplan-decode");
    }

    @Test
    void exportsTheModelServerProtocolSetAnEndpointPickerReads() throws Exception {
        WorkerMetrics m =
                new WorkerMetrics("p", "backend", "w1", "m", 0, 64, 1024, Instant.ofEpochSecond(1_700_000_000));
        m.load(new LoadSnapshot(10, 0, 256, 0, 1024, 3, 2, 0, 0.25, 0));
        String text = scrape(m);
        assertThat(text)
                .contains("vllm:num_requests_waiting{engine=\"0\",model_name=\"m\"} 2.0")
                .contains("vllm:num_requests_running{engine=\"0\",model_name=\"m\"} 3.0")
                .contains("vllm:kv_cache_usage_perc{engine=\"0\",model_name=\"m\"} 0.25")
                .contains("vllm:gpu_cache_usage_perc{engine=\"0\",model_name=\"m\"} 0.25")
                .contains("vllm:cache_config_info{block_size=\"64\",engine=\"0\",model_name=\"m\","
                        + "num_gpu_blocks=\"1024\"} 1.0")
                .contains("vllm:lora_requests_info{engine=\"0\",max_lora=\"0\",model_name=\"m\","
                        + "running_lora_adapters=\"\",waiting_lora_adapters=\"\"} 1.7E9");
    }
}
