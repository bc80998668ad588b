package io.fleetplan.router.frontend;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes one completion back: as SSE chunks while tokens arrive (headers go out with the first token, so a
 * request that fails before it still gets a proper HTTP error status), or as one JSON body at the end.
 * Records TTFT and per-token ITL as Dynamo's frontend does.
 */
final class Responder implements GenerationFlow.TokenSink {

    private final HttpExchange ex;
    private final CompletionJob job;
    private final String id;
    private final String head;
    private final long startNanos;
    private final FrontendMetrics metrics;
    private final StageTracker stages;
    private final StringBuilder text = new StringBuilder();
    private OutputStream out;
    private long lastNanos;
    private boolean first = true;

    Responder(HttpExchange ex, CompletionJob job, String id, long created, long startNanos, FrontendMetrics metrics,
              StageTracker stages) {
        this.ex = ex;
        this.job = job;
        this.id = (job.chat() ? "chatcmpl-" : "cmpl-") + id;
        this.head = "data: " + OpenAiJson.chunkHead(job, this.id, created);
        this.startNanos = startNanos;
        this.metrics = metrics;
        this.stages = stages;
    }

    String id() {
        return id;
    }

    @Override
    public void tokens(int[] ids) throws IOException {
        long now = System.nanoTime();
        if (first) {
            metrics.ttft.observe((now - startNanos) / 1e9);
            stages.firstToken();
        } else {
            // Dynamo: gap since the previous token-bearing chunk, divided over its tokens, observed per token
            double perToken = (now - lastNanos) / 1e9 / ids.length;
            for (int i = 0; i < ids.length; i++) {
                metrics.itl.observe(perToken);
            }
        }
        lastNanos = now;
        metrics.outputTokens.inc(ids.length);
        StringBuilder piece = new StringBuilder();
        for (int t : ids) {
            piece.append(Tokenizer.decode(t));
        }
        if (!job.stream()) {
            text.append(piece);
            first = false;
            return;
        }
        if (first) {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            out = ex.getResponseBody();
        }
        write(head + OpenAiJson.deltaChoice(job, piece.toString(), first, null) + "}\n\n");
        first = false;
    }

    void finish(GenerationFlow.Result r) throws IOException {
        String usage = OpenAiJson.usage(job.promptTokens().length, r.completionTokens(), r.cachedTokens());
        if (!job.stream()) {
            FrontendServer.json(ex, 200, OpenAiJson.complete(job, id, created(), text.toString(), r.finishReason(),
                    usage));
            return;
        }
        if (out == null) {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            out = ex.getResponseBody();
        }
        write(head + OpenAiJson.deltaChoice(job, "", false, r.finishReason()) + "}\n\n");
        if (job.includeUsage()) {
            write(head + "[],\"usage\":" + usage + "}\n\n");
        }
        write("data: [DONE]\n\n");
        out.close();
    }

    private long created() {
        return System.currentTimeMillis() / 1000;
    }

    private void write(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A stream that already started cannot change its status: report the error as a final SSE event. */
    static void abort(HttpExchange ex, String message) {
        try {
            OutputStream os = ex.getResponseBody();
            os.write(("data: {\"error\":{\"message\":" + OpenAiJson.str(message)
                    + ",\"type\":\"internal_error\",\"param\":null,\"code\":null}}\n\n").getBytes(StandardCharsets.UTF_8));
            os.close();
        } catch (IOException ignored) {
            // client already gone
        }
    }
}
