package io.fleetplan.router.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
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
    /** With stop sequences: the matcher the output text goes through (null without). */
    private final StopMatcher stop;

    private long lastNanos;
    private boolean first = true;
    /** Tokens taken (with stop sequences, up to the one that completed the stop). */
    private int taken;
    /** The chat role went out with a delta event (stop-sequence path). */
    private boolean roleSent;

    Responder(
            Exchange ex,
            CompletionJob job,
            String id,
            long created,
            long startNanos,
            FrontendMetrics metrics,
            StageTracker stages) {
        this.ex = ex;
        this.job = job;
        this.id = (job.chat() ? "chatcmpl-" : "cmpl-") + id;
        this.head = ("data: " + OpenAiJson.chunkHead(job, this.id, created)).getBytes(StandardCharsets.UTF_8);
        this.delta = OpenAiJson.deltaBytes(job);
        this.startNanos = startNanos;
        this.metrics = metrics;
        this.stages = stages;
        this.stop = job.stop().isEmpty() ? null : new StopMatcher(job.stop());
    }

    String id() {
        return id;
    }

    @Override
    public EventLoop loop() {
        return ex.loop();
    }

    @Override
    public boolean tokens(int[] ids) throws IOException {
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
        if (stop != null) {
            return tokensUntilStop(ids);
        }
        taken += ids.length;
        metrics.outputTokens.inc(ids.length);
        if (!job.stream()) {
            for (int t : ids) {
                text.append(Tokenizer.decode(t));
            }
            first = false;
            return true;
        }
        if (first) {
            ex.startStream("text/event-stream");
        }
        ex.sendFramedChunk(tokenEvent(ids));
        first = false;
        return true;
    }

    /**
     * The path of a request with stop sequences: text goes through the {@link StopMatcher}, one token at a time,
     * and out as String-built events (the byte path above cannot hold text back).
     */
    private boolean tokensUntilStop(int[] ids) {
        StringBuilder out = new StringBuilder();
        int used = 0;
        while (used < ids.length && !stop.stopped()) {
            taken++;
            out.append(stop.offer(Tokenizer.decode(ids[used++]), taken > job.minTokens()));
        }
        metrics.outputTokens.inc(used);
        if (job.stream() && first) {
            ex.startStream("text/event-stream");
        }
        first = false;
        emitText(out.toString());
        return !stop.stopped();
    }

    private void emitText(String s) {
        if (!job.stream()) {
            text.append(s);
        } else if (!s.isEmpty()) {
            ex.send(event(OpenAiJson.deltaChoice(job, s, !roleSent, null)));
            roleSent = true;
        }
    }

    /** Output tokens of the response: with a stop sequence, those up to it. */
    int completionTokens(GenerationFlow.Result r) {
        return stop != null && stop.stopped() ? taken : r.completionTokens();
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
        return buf.writeBytes(delta.close())
                .writeBytes(EVENT_END)
                .writeByte('\r')
                .writeByte('\n');
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
        String usage = OpenAiJson.usage(job.promptTokens().length, completionTokens(r), r.cachedTokens());
        if (stop != null && !job.stream()) {
            emitText(stop.flush());
        }
        if (!job.stream()) {
            FrontendServer.json(
                    ex,
                    200,
                    OpenAiJson.complete(
                            job,
                            id,
                            created(),
                            text.toString(),
                            stop != null && stop.stopped() ? "stop" : r.finishReason(),
                            usage));
            return;
        }
        if (ex.status() == -1) {
            ex.startStream("text/event-stream");
        }
        if (stop != null) {
            emitText(stop.flush());
        }
        String finish = stop != null && stop.stopped() ? "stop" : r.finishReason();
        ex.send(event(OpenAiJson.deltaChoice(job, "", stop != null && !roleSent, finish)));
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
            FrontendServer.json(
                    ex,
                    500,
                    OpenAiJson.error(new ApiError(500, "internal_error", message, null, null, "internal", null)));
            return;
        }
        ex.send("data: {\"error\":{\"message\":" + OpenAiJson.str(message)
                + ",\"type\":\"internal_error\",\"param\":null,\"code\":null}}\n\n");
        ex.endStream();
    }
}
