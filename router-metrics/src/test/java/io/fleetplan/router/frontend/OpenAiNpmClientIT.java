package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetplan.mocker.engine.EngineConfig;
import io.fleetplan.mocker.worker.MockerWorker;
import io.fleetplan.mocker.worker.WorkerSettings;
import io.fleetplan.router.local.LocalRouter;
import io.fleetplan.router.testing.Stack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official `openai` npm client against the Frontend (agg pool of real mocker workers). */
class OpenAiNpmClientIT {

    static final Path NPM_DIR = Path.of("target", "npm");

    @BeforeAll
    static void installClient() throws Exception {
        if (Files.isDirectory(NPM_DIR.resolve("node_modules/openai"))) {
            return;
        }
        Files.createDirectories(NPM_DIR);
        String problem;
        try {
            Process p = new ProcessBuilder(
                            "npm", "install", "--no-audit", "--no-fund", "--prefix", NPM_DIR.toString(), "openai")
                    .redirectErrorStream(true)
                    .start();
            boolean done = p.waitFor(180, TimeUnit.SECONDS);
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            problem = !done ? "npm install timed out" : p.exitValue() != 0 ? "npm install failed: " + log : null;
        } catch (IOException e) {
            problem = "npm not runnable: " + e.getMessage();
        }
        if (problem != null) {
            System.out.println("SKIPPED OpenAiNpmClientIT: " + problem);
            Assumptions.abort(problem);
        }
    }

    @Test
    void officialClientCompletesStreamsAndSeesErrors() throws Exception {
        try (Stack stack = new Stack()) {
            LocalRouter router = stack.router("npm-pool");
            for (int i = 0; i < 2; i++) {
                MockerWorker w = MockerWorker.start(WorkerSettings.loopback(EngineConfig.builder()
                                .modelName("mock-model")
                                .speedupRatio(20)
                                .build())
                        .withWorkerId("npm-" + i)
                        .withRouter(Stack.address(router)));
                stack.add(w);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> router.workers().size() == 2);
            stack.frontend(FrontendConfig.singlePool("mock-model", "npm-pool", Stack.address(router), 0));
            Path script = NPM_DIR.resolve("openai-client-check.mjs");
            Files.copy(
                    Path.of("src", "test", "resources", "openai-client-check.mjs"),
                    script,
                    StandardCopyOption.REPLACE_EXISTING);
            Process p = new ProcessBuilder("node", script.toString(), stack.base() + "/v1", "mock-model")
                    .redirectErrorStream(true)
                    .start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(output).isZero();
            List<String> lines = output.lines().filter(l -> l.startsWith("{")).toList();
            JsonNode r = new ObjectMapper().readTree(lines.getLast());
            assertThat(r.path("models").get(0).asText()).isEqualTo("mock-model");
            assertThat(r.path("chat").path("content").asText()).isNotBlank();
            assertThat(r.path("chat").path("usage").path("completion_tokens").asInt())
                    .isEqualTo(5);
            assertThat(r.path("stream").path("text").asText()).isNotBlank();
            assertThat(r.path("stream").path("usage").path("completion_tokens").asInt())
                    .isEqualTo(6);
            assertThat(r.path("completion").path("usage").path("prompt_tokens").asInt())
                    .isEqualTo(8);
            assertThat(r.path("retrieved").path("id").asText()).isEqualTo("mock-model");
            assertThat(r.path("retrieved").path("object").asText()).isEqualTo("model");
            assertThat(r.path("unknownModel").path("status").asInt()).isEqualTo(404);
            assertThat(r.path("unknownModel").path("code").asText()).isEqualTo("model_not_found");
            JsonNode stop = r.path("stopCase");
            assertThat(stop.path("finish").asText()).as(stop.toString()).isEqualTo("stop");
            assertThat(stop.path("text").asText()).doesNotContain("e");
            assertThat(stop.path("tokens").asInt()).isBetween(1, 39);
            assertThat(stop.path("streamFinish").asText()).as(stop.toString()).isEqualTo("stop");
            assertThat(stop.path("streamText").asText()).doesNotContain("e");
            assertThat(r.path("badRequest").path("status").asInt()).isEqualTo(400);
            assertThat(r.path("badRequest").path("message").asText()).contains("messages");
        }
    }
}
