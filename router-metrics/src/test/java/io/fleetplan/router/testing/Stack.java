package io.fleetplan.router.testing;

import io.fleetplan.proto.v1.WorkerRole;
import io.fleetplan.router.core.RouterConfig;
import io.fleetplan.router.frontend.FrontendConfig;
import io.fleetplan.router.frontend.FrontendServer;
import io.fleetplan.router.local.LocalRouter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Routers, fake workers and a Frontend on loopback, closed in reverse order. */
public final class Stack implements AutoCloseable {

    private final List<AutoCloseable> closeables = new ArrayList<>();
    public final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    public FrontendServer frontend;

    public LocalRouter router(String pool) throws Exception {
        LocalRouter r = new LocalRouter(new LocalRouter.Options(
                        pool,
                        "router-" + pool,
                        "127.0.0.1",
                        0,
                        0,
                        RouterConfig.builder().seed(7).build()))
                .start();
        closeables.add(r);
        return r;
    }

    public FakeWorker worker(LocalRouter router, String id, WorkerRole role, long tokenDelayMs) throws Exception {
        FakeWorker w = new FakeWorker(id, role, tokenDelayMs);
        closeables.add(w);
        w.registerWith(address(router));
        return w;
    }

    public static String address(LocalRouter router) {
        return "127.0.0.1:" + router.grpcPort();
    }

    public FrontendServer frontend(FrontendConfig config) throws Exception {
        frontend = new FrontendServer(config).start();
        closeables.add(frontend);
        return frontend;
    }

    public void add(AutoCloseable c) {
        closeables.add(c);
    }

    public String base() {
        return "http://127.0.0.1:" + frontend.port();
    }

    public HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public static Map<String, String> pools(LocalRouter... routers) {
        Map<String, String> m = new LinkedHashMap<>();
        for (LocalRouter r : routers) {
            m.put(r.pool(), address(r));
        }
        return m;
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }
}
