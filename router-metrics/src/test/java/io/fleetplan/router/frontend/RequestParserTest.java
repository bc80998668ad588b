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
        CompletionJob j = chat("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}],"
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
        assertThat(completion("{\"model\":\"m\",\"prompt\":[3,4,5]}").promptTokens()).containsExactly(3, 4, 5);
        assertThat(completion("{\"model\":\"m\",\"prompt\":[[9,8]]}").promptTokens()).containsExactly(9, 8);
        assertThat(completion("{\"model\":\"m\",\"prompt\":[\"hi there\"]}").promptTokens())
                .isEqualTo(Tokenizer.encode("hi there"));
        assertThat(completion("{\"model\":\"m\",\"prompt\":\"x\"}").maxTokens()).as("OpenAI default").isEqualTo(16);
        assertThat(chat("{\"model\":\"m\",\"nvext\":{\"token_data\":[1,2]}}").promptTokens()).containsExactly(1, 2);
    }

    @Test
    void badFieldsAreNamed() {
        rejects("chat_completions", "{\"model\":\"m\",\"messages\":[]}", "messages", "non-empty");
        rejects("chat_completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],"
                + "\"max_tokens\":0}", "max_tokens", ">= 1");
        rejects("chat_completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],"
                + "\"max_tokens\":1.5}", "max_tokens", "integer");
        rejects("chat_completions", "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],"
                + "\"max_tokens\":501}", "max_tokens", "<= 500");
        rejects("completions", "{\"model\":\"m\",\"prompt\":[\"a\",\"b\"]}", "prompt", "Batched");
        rejects("completions", "{\"model\":\"m\",\"prompt\":[-1]}", "prompt", "token id");
        rejects("completions", "{\"model\":\"m\",\"prompt\":\"a\",\"stream_options\":{}}", "stream_options",
                "only allowed");
        rejects("completions", "{\"model\":\"m\",\"prompt\":\"a\",\"n\":2}", "n", "n = 1");
        rejects("completions", "{\"prompt\":\"a\"}", "model", "required");
        rejects("completions", "{\"model\":\"m\",\"prompt\":\"" + "a ".repeat(2000) + "\"}", "prompt",
                "maximum of 1000");
        assertThatThrownBy(() -> completion("{\"model\":\"zz\",\"prompt\":\"a\"}"))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(404));
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
}
