package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestParserTest {

    private final RequestParser parser = new RequestParser(RequestParser.mapper(), "m", 1000, 500);

    private CompletionJob chat(String body) {
        return parser.parse("chat_completions", body.getBytes(StandardCharsets.UTF_8));
    }

    private CompletionJob completion(String body) {
        return parser.parse("completions", body.getBytes(StandardCharsets.UTF_8));
    }

    private void rejects(String endpoint, String body, String param, String message) {
        assertThatThrownBy(() -> parser.parse(endpoint, body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo(param);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    @Test
    void chatIsTemplatedAndTokenised() {
        CompletionJob j = chat(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}],"
                        + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_completion_tokens\":7,"
                        + "\"nvext\":{\"ttft_target\":200,\"agent_hints\":{\"priority\":3}},\"extra_args\":{\"itl_target\":20}}");
        assertThat(j.promptTokens()).isEqualTo(Tokenizer.encode("<|user|>\nhello world\n<|assistant|>\n"));
        assertThat(j.maxTokens()).isEqualTo(7);
        assertThat(j.stream()).isTrue();
        assertThat(j.includeUsage()).isTrue();
        assertThat(j.ttftTargetMs()).isEqualTo(200.0);
        assertThat(j.itlTargetMs()).isEqualTo(20.0);
        assertThat(j.priority()).isEqualTo(3);
        assertThat(j.requestType()).isEqualTo("stream");
    }

    @Test
    void promptsMayBeTextOrTokenIds() {
        assertThat(completion("{\"model\":\"m\",\"prompt\":[3,4,5]}").promptTokens())
                .containsExactly(3, 4, 5);
        assertThat(completion("{\"model\":\"m\",\"prompt\":[[9,8]]}").promptTokens())
                .containsExactly(9, 8);
        assertThat(completion("{\"model\":\"m\",\"prompt\":[\"hi there\"]}").promptTokens())
                .isEqualTo(Tokenizer.encode("hi there"));
        assertThat(completion("{\"model\":\"m\",\"prompt\":\"x\"}").maxTokens())
                .as("OpenAI default")
                .isEqualTo(16);
        assertThat(chat("{\"model\":\"m\",\"nvext\":{\"token_data\":[1,2]}}").promptTokens())
                .containsExactly(1, 2);
    }

    @Test
    void badFieldsAreNamed() {
        rejects("chat_completions", "{\"model\":\"m\",\"messages\":[]}", "messages", "non-empty");
        rejects(
                "chat_completions",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]," + "\"max_tokens\":0}",
                "max_tokens",
                ">= 1");
        rejects(
                "chat_completions",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]," + "\"max_tokens\":1.5}",
                "max_tokens",
                "integer");
        rejects(
                "chat_completions",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]," + "\"max_tokens\":501}",
                "max_tokens",
                "<= 500");
        rejects("completions", "{\"model\":\"m\",\"prompt\":[\"a\",\"b\"]}", "prompt", "Batched");
        rejects("completions", "{\"model\":\"m\",\"prompt\":[-1]}", "prompt", "token id");
        rejects(
                "completions",
                "{\"model\":\"m\",\"prompt\":\"a\",\"stream_options\":{}}",
                "stream_options",
                "only allowed");
        rejects("completions", "{\"model\":\"m\",\"prompt\":\"a\",\"n\":2}", "n", "n = 1");
        rejects("completions", "{\"prompt\":\"a\"}", "model", "required");
        rejects(
                "completions",
                "{\"model\":\"m\",\"prompt\":\"" + "a ".repeat(2000) + "\"}",
                "prompt",
                "maximum of 1000");
        assertThatThrownBy(() -> completion("{\"model\":\"zz\",\"prompt\":\"a\"}"))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void tokenizerCountsAboutOneTokenPerFourCharactersAndIsStable() {
        String text = "The quick brown fox jumps over the lazy dog, again and again.";
        int[] a = Tokenizer.encode(text);
        assertThat(a).isEqualTo(Tokenizer.encode(text));
        assertThat(a.length).isBetween(text.length() / 6, text.length() / 3);
        assertThat(Tokenizer.encode("abcdefgh")).hasSize(2);
        assertThat(Tokenizer.encode("")).isEmpty();
    }

    private static final String MSG = "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]";

    @Test
    void stopSequencesAndMinTokensAreRead() {
        assertThat(chat("{" + MSG + ",\"stop\":\" the\"}").stop()).containsExactly(" the");
        assertThat(completion("{\"model\":\"m\",\"prompt\":\"a\",\"stop\":[\"x\",\"y\"],\"max_tokens\":9,"
                        + "\"min_tokens\":3}"))
                .satisfies(j -> {
                    assertThat(j.stop()).containsExactly("x", "y");
                    assertThat(j.minTokens()).isEqualTo(3);
                });
        assertThat(chat("{" + MSG + ",\"stop\":null}").stop()).isEmpty();
        rejects("chat_completions", "{" + MSG + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", "stop", "up to 4");
        rejects("chat_completions", "{" + MSG + ",\"stop\":[1]}", "stop", "strings");
        rejects("chat_completions", "{" + MSG + ",\"stop\":\"\"}", "stop", "not be empty");
        rejects(
                "completions", "{\"model\":\"m\",\"prompt\":\"a\",\"max_tokens\":2,\"min_tokens\":3}",
                "min_tokens", "between 0 and max_tokens (2)");
    }

    @Test
    void featuresAMockEngineDoesNotOfferAreRefusedByName() {
        rejects("chat_completions", "{" + MSG + ",\"logprobs\":true}", "logprobs", "allowed values: false or null");
        rejects("chat_completions", "{" + MSG + ",\"top_logprobs\":2}", "top_logprobs", "not supported");
        rejects("chat_completions", "{" + MSG + ",\"tools\":[{\"type\":\"function\"}]}", "tools", "[] or null");
        rejects("chat_completions", "{" + MSG + ",\"tool_choice\":\"required\"}", "tool_choice", "\"none\"");
        rejects(
                "chat_completions",
                "{" + MSG + ",\"response_format\":{\"type\":\"json_object\"}}",
                "response_format",
                "{\"type\": \"text\"}");
        rejects("completions", "{\"model\":\"m\",\"prompt\":\"a\",\"echo\":true}", "echo", "false or null");
        rejects("completions", "{\"model\":\"m\",\"prompt\":\"a\",\"logprobs\":2}", "logprobs", "not supported");
        rejects("completions", "{\"model\":\"m\",\"prompt\":\"a\",\"best_of\":3}", "best_of", "1 or null");
        rejects("chat_completions", "{" + MSG + ",\"logit_bias\":{\"5\":10}}", "logit_bias", "{} or null");
        rejects(
                "chat_completions",
                "{" + MSG + ",\"functions\":[]}",
                "functions",
                "Unsupported parameter 'functions' for /v1/chat/completions; supported: [extra_args,");
        rejects("completions", "{\"model\":\"m\",\"prompt\":\"a\",\"messages\":[]}", "messages", "Unsupported");
        // at their defaults they are accepted
        assertThat(chat("{" + MSG + ",\"logprobs\":false,\"tools\":[],\"tool_choice\":\"none\","
                                + "\"response_format\":{\"type\":\"text\"},\"temperature\":0.7,\"top_p\":1,\"seed\":4,"
                                + "\"user\":\"u\",\"presence_penalty\":0,\"frequency_penalty\":0,\"ignore_eos\":true,"
                                + "\"parallel_tool_calls\":true}")
                        .maxTokens())
                .isEqualTo(256);
        assertThat(completion("{\"model\":\"m\",\"prompt\":\"a\",\"echo\":false,\"best_of\":1,\"suffix\":\"\"}")
                        .maxTokens())
                .isEqualTo(16);
    }

    @Test
    void samplingParametersAreValidated() {
        rejects("chat_completions", "{" + MSG + ",\"temperature\":3}", "temperature", "between 0 and 2, was 3");
        rejects("chat_completions", "{" + MSG + ",\"top_p\":\"x\"}", "top_p", "between 0 and 1");
        rejects("chat_completions", "{" + MSG + ",\"seed\":1.5}", "seed", "integer");
    }

    @Test
    void invalidJsonIsDescribedWithoutJacksonInternals() {
        for (String body : new String[] {"{\"model\": tru}", "{\"model\":\"m\"", "{\"a\":1,}", "nul"}) {
            assertThatThrownBy(() -> completion(body)).isInstanceOfSatisfying(ApiError.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.getMessage())
                        .as(body)
                        .startsWith("The request body is not valid JSON: ")
                        .contains("(line 1, column ")
                        .doesNotContain("Source", "REDACTED", "StreamReadFeature", "token", "JSON String", "marker");
            });
        }
    }

    @Test
    void echoedValuesAreCutShort() {
        String big = "x".repeat(10_000);
        assertThatThrownBy(() -> chat("{" + MSG + ",\"stream\":\"" + big + "\"}"))
                .isInstanceOfSatisfying(
                        ApiError.class, e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }
}
