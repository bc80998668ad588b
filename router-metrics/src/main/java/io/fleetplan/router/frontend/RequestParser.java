package io.fleetplan.router.frontend;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NumericNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns an OpenAI request body into a {@link CompletionJob} or an {@link ApiError} naming the field at fault.
 * Chat messages are rendered with a fixed template ({@code <|role|>\n content \n} per message, then
 * {@code <|assistant|>\n}) and tokenised with {@link Tokenizer}. Completions accept a string, a one-element
 * list of strings, a list of token ids, or a one-element list of token-id lists; chat accepts
 * {@code nvext.token_data} (token ids) in place of tokenising the messages, so traces replay exactly.
 *
 * <p>No field is silently ignored: every field of the body is either honoured, validated and accepted because
 * a mock engine's output does not depend on it (sampling parameters), accepted only at its default value (a
 * feature the Frontend does not offer: logprobs, echo, tools, response_format, ...), or refused with a 400
 * naming it ({@link #FIELDS}).
 */
public final class RequestParser {

    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    /** OpenAI allows up to 4 stop sequences. */
    static final int MAX_STOP = 4;

    /** Fields both endpoints accept. */
    private static final Set<String> COMMON = Set.of(
            "model",
            "max_tokens",
            "stream",
            "stream_options",
            "n",
            "stop",
            "nvext",
            "extra_args",
            "user",
            "temperature",
            "top_p",
            "seed",
            "presence_penalty",
            "frequency_penalty",
            "logit_bias",
            "ignore_eos",
            "min_tokens",
            "logprobs");

    /** Every field each endpoint accepts; anything else is answered 400. */
    static final Map<String, Set<String>> FIELDS = Map.of(
            "chat_completions",
                    union(
                            COMMON,
                            Set.of(
                                    "messages",
                                    "max_completion_tokens",
                                    "top_logprobs",
                                    "tools",
                                    "tool_choice",
                                    "parallel_tool_calls",
                                    "response_format")),
            "completions", union(COMMON, Set.of("prompt", "echo", "best_of", "suffix")));

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private final ObjectMapper json;
    private final String model;
    private final int maxPromptTokens;
    private final int maxTokensLimit;

    /**
     * A mapper for request bodies whose trees share one {@link IntNode} per value in [0, 65536): a prompt given
     * as token ids ({@code nvext.token_data}, {@code prompt: [ids]}, as trace replays send) is otherwise one node
     * object per token, the largest garbage of a request. Nodes are immutable, so sharing them is safe.
     */
    public static ObjectMapper mapper() {
        return new ObjectMapper().setNodeFactory(SharedIntNodes.INSTANCE);
    }

    private static final class SharedIntNodes extends JsonNodeFactory {
        static final SharedIntNodes INSTANCE = new SharedIntNodes();
        /** Filled as values are first seen; a race only makes two equal nodes (IntNode's value is final). */
        private static final IntNode[] NODES = new IntNode[1 << 16];

        private SharedIntNodes() {
            super(false);
        }

        @Override
        public NumericNode numberNode(int v) {
            if (v < 0 || v >= NODES.length) {
                return super.numberNode(v);
            }
            IntNode n = NODES[v];
            if (n == null) {
                n = new IntNode(v);
                NODES[v] = n;
            }
            return n;
        }
    }

    public RequestParser(ObjectMapper json, String model, int maxPromptTokens, int maxTokensLimit) {
        this.json = json;
        this.model = model;
        this.maxPromptTokens = maxPromptTokens;
        this.maxTokensLimit = maxTokensLimit;
    }

    public CompletionJob parse(String endpoint, byte[] body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid(null, jsonProblem(e));
        } catch (IOException e) {
            throw ApiError.invalid(null, "The request body could not be read");
        }
        if (root == null || !root.isObject()) {
            throw ApiError.invalid(null, "The request body must be a JSON object");
        }
        checkFields(endpoint, root);
        JsonNode m = root.get("model");
        if (m == null || m.isNull()) {
            throw ApiError.invalid("model", "'model' is required (served model: '" + model + "')");
        }
        if (!m.isTextual()) {
            throw ApiError.invalid("model", "'model' must be a string");
        }
        if (!m.asText().equals(model)) {
            throw ApiError.notFound(
                    "The model '" + m.asText() + "' does not exist; this server serves '" + model + "'",
                    "model",
                    "model_not_found");
        }
        boolean chat = endpoint.equals("chat_completions");
        JsonNode nvext = root.path("nvext");
        int[] prompt = chat ? chatPrompt(root, nvext) : completionPrompt(root);
        if (prompt.length == 0) {
            throw ApiError.invalid(chat ? "messages" : "prompt", "The prompt is empty");
        }
        if (prompt.length > maxPromptTokens) {
            throw new ApiError(
                    400,
                    "invalid_request_error",
                    "The prompt has " + prompt.length + " tokens, more than this server's maximum of "
                            + maxPromptTokens,
                    chat ? "messages" : "prompt",
                    "context_length_exceeded",
                    "validation",
                    null);
        }
        int maxTokens = maxTokens(root, chat);
        boolean stream = bool(root, "stream", false);
        JsonNode so = root.get("stream_options");
        boolean includeUsage = false;
        if (so != null && !so.isNull()) {
            if (!stream) {
                throw ApiError.invalid("stream_options", "'stream_options' is only allowed when 'stream' is true");
            }
            if (!so.isObject()) {
                throw ApiError.invalid("stream_options", "'stream_options' must be an object");
            }
            includeUsage = bool(so, "include_usage", false);
        }
        JsonNode n = root.get("n");
        if (n != null && !n.isNull() && !(n.canConvertToInt() && n.isIntegralNumber() && n.asInt() == 1)) {
            throw ApiError.invalid("n", "Only n = 1 is supported, was " + shown(n));
        }
        return new CompletionJob(
                endpoint,
                model,
                prompt,
                maxTokens,
                stream,
                includeUsage,
                number(root, nvext, "ttft_target"),
                number(root, nvext, "itl_target"),
                priority(nvext),
                stop(root),
                minTokens(root, maxTokens));
    }

    /**
     * What is wrong with a body that is not JSON, in words of our own: Jackson's messages name its internals
     * (source redaction, stream read constraints, its token names).
     */
    static String jsonProblem(JsonProcessingException e) {
        String why;
        if (e instanceof JsonEOFException) {
            why = "it ends before the JSON value is complete";
        } else if (e instanceof StreamConstraintsException) {
            why = "a value is too large or too deeply nested";
        } else {
            why = "unexpected text where a JSON value, ',' or a closing bracket was expected";
        }
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1
                ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return "The request body is not valid JSON: " + why + where;
    }

    /** Refuses fields this endpoint does not know, and features a mock engine cannot give, naming the field. */
    private static void checkFields(String endpoint, JsonNode root) {
        Set<String> known = FIELDS.get(endpoint);
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw ApiError.invalid(
                        f,
                        "Unsupported parameter '" + f + "' for /v1/"
                                + (endpoint.equals("completions") ? "completions" : "chat/completions")
                                + "; supported: "
                                + new TreeSet<>(known));
            }
        }
        boolean chat = endpoint.equals("chat_completions");
        range(root, "temperature", 0, 2);
        range(root, "top_p", 0, 1);
        range(root, "presence_penalty", -2, 2);
        range(root, "frequency_penalty", -2, 2);
        JsonNode seed = root.get("seed");
        if (present(seed) && !(seed.isIntegralNumber() && seed.canConvertToLong())) {
            throw ApiError.invalid("seed", "'seed' must be an integer, was " + shown(seed));
        }
        JsonNode user = root.get("user");
        if (present(user) && !user.isTextual()) {
            throw ApiError.invalid("user", "'user' must be a string, was " + shown(user));
        }
        bool(root, "ignore_eos", false); // the mock engine never ends on EOS: true is what it does anyway
        JsonNode bias = root.get("logit_bias");
        if (present(bias) && !(bias.isObject() && bias.isEmpty())) {
            throw unsupported("logit_bias", "token biases", "{} or null");
        }
        JsonNode logprobs = root.get("logprobs");
        if (chat) {
            if (bool(root, "logprobs", false)) {
                throw unsupported("logprobs", "log probabilities", "false or null");
            }
            JsonNode top = root.get("top_logprobs");
            if (present(top) && !(top.isIntegralNumber() && top.asInt() == 0)) {
                throw unsupported("top_logprobs", "log probabilities", "0 or null");
            }
            JsonNode tools = root.get("tools");
            if (present(tools) && !(tools.isArray() && tools.isEmpty())) {
                throw unsupported("tools", "tool calls", "[] or null");
            }
            JsonNode choice = root.get("tool_choice");
            if (present(choice)
                    && !(choice.isTextual() && Set.of("none", "auto").contains(choice.asText()))) {
                throw unsupported("tool_choice", "tool calls", "\"none\", \"auto\" or null");
            }
            bool(root, "parallel_tool_calls", true);
            JsonNode format = root.get("response_format");
            if (present(format)
                    && !(format.isObject()
                            && format.size() == 1
                            && "text".equals(format.path("type").asText(null)))) {
                throw unsupported("response_format", "structured output", "{\"type\": \"text\"} or null");
            }
        } else {
            if (present(logprobs)) {
                throw unsupported("logprobs", "log probabilities", "null");
            }
            if (bool(root, "echo", false)) {
                throw unsupported("echo", "echoing the prompt", "false or null");
            }
            JsonNode bestOf = root.get("best_of");
            if (present(bestOf) && !(bestOf.isIntegralNumber() && bestOf.asInt() == 1)) {
                throw unsupported("best_of", "several candidates", "1 or null");
            }
            JsonNode suffix = root.get("suffix");
            if (present(suffix) && !(suffix.isTextual() && suffix.asText().isEmpty())) {
                throw unsupported("suffix", "a suffix", "\"\" or null");
            }
        }
    }

    private static ApiError unsupported(String field, String feature, String allowed) {
        return ApiError.invalid(
                field,
                "'" + field + "' is not supported: this server does not offer " + feature + "; allowed values: "
                        + allowed);
    }

    private static boolean present(JsonNode v) {
        return v != null && !v.isNull();
    }

    private static void range(JsonNode root, String field, double min, double max) {
        JsonNode v = root.get(field);
        if (present(v) && !(v.isNumber() && v.asDouble() >= min && v.asDouble() <= max)) {
            throw ApiError.invalid(
                    field,
                    "'" + field + "' must be a number between " + fmt(min) + " and " + fmt(max) + ", was " + shown(v));
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** A value as the client sent it, cut short: an error message must not echo a megabyte back. */
    static String shown(JsonNode v) {
        String s = v.toString();
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static List<String> stop(JsonNode root) {
        JsonNode v = root.get("stop");
        if (!present(v)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v.isTextual()) {
            out.add(v.asText());
        } else if (v.isArray() && v.size() <= MAX_STOP) {
            for (JsonNode s : v) {
                if (!s.isTextual()) {
                    throw ApiError.invalid(
                            "stop",
                            "'stop' must be a string or an array of up to " + MAX_STOP + " strings, was " + shown(v));
                }
                out.add(s.asText());
            }
        } else {
            throw ApiError.invalid(
                    "stop", "'stop' must be a string or an array of up to " + MAX_STOP + " strings, was " + shown(v));
        }
        if (out.stream().anyMatch(String::isEmpty)) {
            throw ApiError.invalid("stop", "'stop' sequences must not be empty");
        }
        return out;
    }

    private static int minTokens(JsonNode root, int maxTokens) {
        JsonNode v = root.get("min_tokens");
        if (!present(v)) {
            return 0;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0 || v.asInt() > maxTokens) {
            throw ApiError.invalid(
                    "min_tokens",
                    "'min_tokens' must be an integer between 0 and max_tokens (" + maxTokens + "), was " + shown(v));
        }
        return v.asInt();
    }

    private int maxTokens(JsonNode root, boolean chat) {
        String field = chat && root.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return chat ? 256 : 16;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiError.invalid(field, "'" + field + "' must be an integer, was " + shown(v));
        }
        int value = v.asInt();
        if (value < 1) {
            throw ApiError.invalid(field, "'" + field + "' must be >= 1, was " + value);
        }
        if (value > maxTokensLimit) {
            throw ApiError.invalid(field, "'" + field + "' must be <= " + maxTokensLimit + ", was " + value);
        }
        return value;
    }

    private int[] chatPrompt(JsonNode root, JsonNode nvext) {
        JsonNode tokenData = nvext.get("token_data");
        JsonNode messages = root.get("messages");
        if (tokenData != null && !tokenData.isNull()) {
            return tokenIds(tokenData, "nvext.token_data");
        }
        if (messages == null || messages.isNull()) {
            throw ApiError.invalid("messages", "'messages' is required");
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiError.invalid("messages", "'messages' must be a non-empty array");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode msg = messages.get(i);
            String where = "messages[" + i + "]";
            if (!msg.isObject()) {
                throw ApiError.invalid(where, "'" + where + "' must be an object with 'role' and 'content'");
            }
            JsonNode role = msg.get("role");
            if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
                throw ApiError.invalid(
                        where + ".role", "'" + where + ".role' must be one of " + ROLES + ", was " + role);
            }
            text.append("<|")
                    .append(role.asText())
                    .append("|>\n")
                    .append(content(msg.get("content"), where))
                    .append('\n');
        }
        text.append("<|assistant|>\n");
        return Tokenizer.encode(text.toString());
    }

    private static String content(JsonNode c, String where) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                JsonNode text = part.get("text");
                if (text == null || !text.isTextual()) {
                    throw ApiError.invalid(
                            where + ".content", "content parts must be {\"type\":\"text\",\"text\":...}");
                }
                sb.append(text.asText());
            }
            return sb.toString();
        }
        throw ApiError.invalid(where + ".content", "'" + where + ".content' must be a string or an array of parts");
    }

    private int[] completionPrompt(JsonNode root) {
        JsonNode p = root.get("prompt");
        if (p == null || p.isNull()) {
            throw ApiError.invalid("prompt", "'prompt' is required");
        }
        if (p.isTextual()) {
            return Tokenizer.encode(p.asText());
        }
        if (p.isArray() && !p.isEmpty()) {
            JsonNode first = p.get(0);
            if (first.isIntegralNumber()) {
                return tokenIds(p, "prompt");
            }
            if (p.size() > 1) {
                throw ApiError.invalid("prompt", "Batched prompts are not supported: send one prompt per request");
            }
            if (first.isTextual()) {
                return Tokenizer.encode(first.asText());
            }
            if (first.isArray()) {
                return tokenIds(first, "prompt[0]");
            }
        }
        throw ApiError.invalid(
                "prompt", "'prompt' must be a string, a list of token ids, or a one-element list of " + "either");
    }

    private static int[] tokenIds(JsonNode arr, String field) {
        if (!arr.isArray()) {
            throw ApiError.invalid(field, "'" + field + "' must be an array of token ids");
        }
        int[] out = new int[arr.size()];
        Iterator<JsonNode> it = arr.elements();
        for (int i = 0; it.hasNext(); i++) {
            JsonNode t = it.next();
            if (!t.isIntegralNumber() || !t.canConvertToLong() || t.asLong() < 0 || t.asLong() > 0xFFFFFFFFL) {
                throw ApiError.invalid(
                        field, "'" + field + "[" + i + "]' must be a token id (integer 0..2^32-1), was " + shown(t));
            }
            out[i] = (int) t.asLong();
        }
        return out;
    }

    private static boolean bool(JsonNode node, String field, boolean dflt) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw ApiError.invalid(field, "'" + field + "' must be true or false, was " + shown(v));
        }
        return v.asBoolean();
    }

    // per-request latency targets: nvext.<name> or extra_args.<name> (Dynamo GlobalRouter README), in ms
    private static Double number(JsonNode root, JsonNode nvext, String name) {
        JsonNode v = nvext.get(name);
        if (v == null || v.isNull()) {
            v = root.path("extra_args").get(name);
        }
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.asDouble() <= 0) {
            throw ApiError.invalid(name, "'" + name + "' must be a positive number of milliseconds, was " + shown(v));
        }
        return v.asDouble();
    }

    private static Integer priority(JsonNode nvext) {
        JsonNode v = nvext.path("agent_hints").get("priority");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber()) {
            throw ApiError.invalid("nvext.agent_hints.priority", "'nvext.agent_hints.priority' must be an integer");
        }
        return v.asInt();
    }
}
