package io.fleetplan.pool.monitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** The live dashboard on {@code live_dashboard_port}: {@code /} (page, served from the jar) and {@code /data.json}. */
public final class DashboardServer implements AutoCloseable {

    private final HttpServer server;

    public DashboardServer(String host, int port, DiagnosticsRecorder recorder, String title) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/data.json", ex -> send(ex, 200, "application/json", recorder.json()));
        server.createContext("/", ex -> {
            if (!"/".equals(ex.getRequestURI().getPath())) {
                send(ex, 404, "text/plain", "not found\n");
            } else {
                send(ex, 200, "text/html; charset=utf-8", recorder.html(title, false));
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
