package io.fleetplan.router.frontend;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/** The few OpenAI response shapes, written directly as strings (one SSE chunk per token must be cheap). */
final class OpenAiJson {

    private OpenAiJson() {}

    static String str(String s) {
        return s == null
                ? "null"
                : "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    static String error(ApiError e) {
        return "{\"error\":{\"message\":" + str(e.getMessage()) + ",\"type\":" + str(e.type()) + ",\"param\":"
                + str(e.param()) + ",\"code\":" + str(e.code()) + "}}";
    }

    static String usage(int prompt, int completion, int cached) {
        return "{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + ",\"total_tokens\":"
                + (prompt + completion) + ",\"prompt_tokens_details\":{\"cached_tokens\":" + cached + "}}";
    }

    /** Head of every chunk of one response, up to and including {@code "choices":}. */
    static String chunkHead(CompletionJob job, String id, long created) {
        return "{\"id\":" + str(id) + ",\"object\":\"" + (job.chat() ? "chat.completion.chunk" : "text_completion")
                + "\",\"created\":" + created + ",\"model\":" + str(job.model()) + ",\"choices\":";
    }

    /**
     * {@link #deltaChoice} of a token chunk (no finish reason) in three parts of bytes, to write around the
     * already-escaped token text without building a String per token: {@code open(first) + content + close}
     * equals {@code deltaChoice(job, content, first, null)} (a test holds them together).
     */
    record DeltaBytes(byte[] firstOpen, byte[] open, byte[] close) {
        byte[] open(boolean first) {
            return first ? firstOpen : open;
        }
    }

    private static final DeltaBytes CHAT_DELTA = new DeltaBytes(
            ascii("[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\""),
            ascii("[{\"index\":0,\"delta\":{\"content\":\""),
            ascii("\"},\"logprobs\":null,\"finish_reason\":null}]"));
    private static final DeltaBytes TEXT_DELTA = new DeltaBytes(
            ascii("[{\"index\":0,\"text\":\""),
            ascii("[{\"index\":0,\"text\":\""),
            ascii("\",\"logprobs\":null,\"finish_reason\":null}]"));

    static DeltaBytes deltaBytes(CompletionJob job) {
        return job.chat() ? CHAT_DELTA : TEXT_DELTA;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static String deltaChoice(CompletionJob job, String text, boolean first, String finish) {
        if (job.chat()) {
            return "[{\"index\":0,\"delta\":{" + (first ? "\"role\":\"assistant\"," : "") + "\"content\":" + str(text)
                    + "},\"logprobs\":null,\"finish_reason\":" + str(finish) + "}]";
        }
        return "[{\"index\":0,\"text\":" + str(text) + ",\"logprobs\":null,\"finish_reason\":" + str(finish) + "}]";
    }

    static String complete(CompletionJob job, String id, long created, String text, String finish, String usage) {
        String choice = job.chat()
                ? "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + str(text)
                        + "},\"logprobs\":null,\"finish_reason\":" + str(finish) + "}]"
                : "[{\"index\":0,\"text\":" + str(text) + ",\"logprobs\":null,\"finish_reason\":" + str(finish) + "}]";
        return "{\"id\":" + str(id) + ",\"object\":\"" + (job.chat() ? "chat.completion" : "text_completion")
                + "\",\"created\":" + created + ",\"model\":" + str(job.model()) + ",\"choices\":" + choice
                + ",\"usage\":" + usage + "}";
    }
}
