package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetplan.proto.v1.WorkerRole;
import io.fleetplan.router.local.LocalRouter;
import io.fleetplan.router.testing.Stack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Frontend and the LocalRouter with more event loops than a small CI machine has cores (the default is one
 * per core), so the cross-loop paths are exercised with several connections on each loop: a request's router
 * stream opened on the loop of its HTTP connection, one worker channel per router loop.
 */
class ManyLoopsIT {

    static Stack stack;

    @BeforeAll
    static void setUp() throws Exception {
        System.setProperty("fleetplan.frontend.io-threads", "3");
        System.setProperty("fleetplan.router.io-threads", "3");
        try {
            stack = new Stack();
            LocalRouter router = stack.router("agg");
            stack.worker(router, "w0", WorkerRole.AGGREGATED, 2);
            stack.worker(router, "w1", WorkerRole.AGGREGATED, 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> router.workers().size() == 2);
            stack.frontend(FrontendConfig.singlePool("m", "agg", Stack.address(router), 0));
        } finally {
            System.clearProperty("fleetplan.frontend.io-threads");
            System.clearProperty("fleetplan.router.io-threads");
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        stack.close();
    }

    @Test
    void concurrentStreamsOverManyConnectionsAllComplete() throws Exception {
        int streams = 24;
        List<HttpClient> clients = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            // a client each: a connection each, spread over the Frontend's loops
            HttpClient c =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            clients.add(c);
            answers.add(c.sendAsync(
                    HttpRequest.newBuilder(URI.create(stack.base() + "/v1/completions"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("""
                            {"model":"m","prompt":"stream %d","max_tokens":6,"stream":true}""".formatted(i)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> a : answers) {
            HttpResponse<String> r = a.get();
            assertThat(r.statusCode()).isEqualTo(200);
            List<String> events =
                    r.body().lines().filter(l -> l.startsWith("data: ")).toList();
            assertThat(events.getLast()).isEqualTo("data: [DONE]");
            long texts = events.stream().filter(e -> e.contains("\"text\":\" ")).count();
            assertThat(texts).as(r.body()).isEqualTo(6);
        }
        clients.forEach(HttpClient::close);
    }
}
