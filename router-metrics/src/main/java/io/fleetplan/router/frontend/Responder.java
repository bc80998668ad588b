package io.fleetplan.router.frontend;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes one completion back: as SSE chunks while tokens arrive (headers go out with the first token, so a
 * request that fails before it still gets a proper HTTP error status), or as one JSON body at the end.
 * Records TTFT and per-token ITL as Dynamo's frontend does. {@link #tokens} runs on the gRPC transport thread
 * that delivers the decode stream, the connection's own event loop ({@link #loop()}); each event is encoded
 * straight into one pooled buffer.
 */
final class Responder implements GenerationFlow.TokenSink {

    private static final byte[] EVENT_END = "}\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Exchange ex;
    private final CompletionJob job;
    private final String id;
    private final byte[] head;
    private final OpenAiJson.DeltaBytes delta;
    private final long startNanos;
    private final FrontendMetrics metrics;
    private final StageTracker stages;
    private final StringBuilder text = new StringBuilder();
    private long lastNanos;
    private boolean first = true;

    Responder(Exchange ex, CompletionJob job, String id, long created, long startNanos, FrontendMetrics metrics,
              StageTracker stages) {
        this.ex = ex;
        this.job = job;
        this.id = (job.chat() ? "chatcmpl-" : "cmpl-") + id;
        this.head = ("data: " + OpenAiJson.chunkHead(job, this.id, created)).getBytes(StandardCharsets.UTF_8);
        this.delta = OpenAiJson.deltaBytes(job);
        this.startNanos = startNanos;
        this.metrics = metrics;
        this.stages = stages;
    }

    String id() {
        return id;
    }

    @Override
    public EventLoop loop() {
        return ex.loop();
    }

    @Override
    public void tokens(int[] ids) throws IOException {
        if (ex.gone()) {
            throw new IOException("client disconnected");
        }
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
        if (!job.stream()) {
            for (int t : ids) {
                text.append(Tokenizer.decode(t));
            }
            first = false;
            return;
        }
        if (first) {
            ex.startStream("text/event-stream");
        }
        ex.sendFramedChunk(tokenEvent(ids));
        first = false;
    }

    /**
     * {@code data: <head><deltaChoice(text of ids)>}\n\n} written as bytes, framed as one HTTP chunk: the parts
     * around the text are constants and each token's text is kept escaped and encoded ({@link Tokenizer#decodeJson}),
     * so a token costs no Strings, only the event's buffer.
     */
    private ByteBuf tokenEvent(int[] ids) {
        byte[] open = delta.open(first);
        int size = head.length + open.length + delta.close().length + EVENT_END.length;
        for (int t : ids) {
            size += Tokenizer.decodeJson(t).length;
        }
        ByteBuf buf = ex.alloc().buffer(size + Exchange.chunkFraming(size));
        Exchange.writeChunkHead(buf, size);
        buf.writeBytes(head).writeBytes(open);
        for (int t : ids) {
            buf.writeBytes(Tokenizer.decodeJson(t));
        }
        return buf.writeBytes(delta.close()).writeBytes(EVENT_END).writeByte('\r').writeByte('\n');
    }

    /** {@code data: <head><choices>}\n\n} in one buffer (the events around the tokens). */
    private ByteBuf event(String choices) {
        ByteBuf buf = ex.alloc().buffer(head.length + choices.length() + 16);
        buf.writeBytes(head);
        buf.writeCharSequence(choices, StandardCharsets.UTF_8);
        buf.writeBytes(EVENT_END);
        return buf;
    }

    void finish(GenerationFlow.Result r) {
        String usage = OpenAiJson.usage(job.promptTokens().length, r.completionTokens(), r.cachedTokens());
        if (!job.stream()) {
            FrontendServer.json(ex, 200, OpenAiJson.complete(job, id, created(), text.toString(), r.finishReason(),
                    usage));
            return;
        }
        if (ex.status() == -1) {
            ex.startStream("text/event-stream");
        }
        ex.send(event(OpenAiJson.deltaChoice(job, "", false, r.finishReason())));
        if (job.includeUsage()) {
            ex.send(event("[],\"usage\":" + usage));
        }
        ex.send("data: [DONE]\n\n");
        ex.endStream();
    }

    private long created() {
        return System.currentTimeMillis() / 1000;
    }

    /**
     * A stream that already started cannot change its status: report the error as a final SSE event. A response
     * that has not started yet gets a 500.
     */
    static void abort(Exchange ex, String message) {
        if (ex.status() == -1) {
            FrontendServer.json(ex, 500, OpenAiJson.error(new ApiError(500, "internal_error", message, null, null,
                    "internal", null)));
            return;
        }
        ex.send("data: {\"error\":{\"message\":" + OpenAiJson.str(message)
                + ",\"type\":\"internal_error\",\"param\":null,\"code\":null}}\n\n");
        ex.endStream();
    }
}
