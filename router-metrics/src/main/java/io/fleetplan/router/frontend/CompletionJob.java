package io.fleetplan.router.frontend;

import java.util.List;

/**
 * A validated completion request, whatever endpoint it came from.
 *
 * @param endpoint      "chat_completions" or "completions" (Dynamo's endpoint label)
 * @param model         the served model it named
 * @param promptTokens  the prompt as token ids (tokenised text, chat template applied, or given ids)
 * @param maxTokens     output tokens to generate
 * @param stream        SSE streaming
 * @param includeUsage  stream_options.include_usage
 * @param ttftTargetMs  per-request TTFT target for pool choice (nvext / extra_args), or null
 * @param itlTargetMs   per-request ITL target, or null
 * @param priority      nvext.agent_hints.priority, or null
 * @param stop          stop sequences (up to 4): the output ends before the first one it contains; empty = none
 * @param minTokens     tokens generated before a stop sequence may end the output (vLLM's min_tokens; 0)
 */
public record CompletionJob(
        String endpoint,
        String model,
        int[] promptTokens,
        int maxTokens,
        boolean stream,
        boolean includeUsage,
        Double ttftTargetMs,
        Double itlTargetMs,
        Integer priority,
        List<String> stop,
        int minTokens) {

    public CompletionJob {
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    public boolean chat() {
        return endpoint.equals("chat_completions");
    }

    public String requestType() {
        return stream ? "stream" : "unary";
    }
}
