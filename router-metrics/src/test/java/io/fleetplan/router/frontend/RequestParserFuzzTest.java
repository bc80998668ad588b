package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * The Frontend's request-body parsing ({@link RequestParser#parse}, what the HTTP layer calls with the body
 * bytes) on arbitrary bytes: a {@link CompletionJob} within the configured limits, or an {@link ApiError}
 * with a 4xx status (the client's fault). Any other exception would be a 500 from a bad body. The first byte
 * picks the endpoint; the rest is the body. Seeds: {@code src/test/resources/io/fleetplan/router/frontend/
 * RequestParserFuzzTestInputs/}.
 */
class RequestParserFuzzTest {

    private static final int MAX_PROMPT = 4096;
    private static final int MAX_TOKENS = 512;
    private final RequestParser parser = new RequestParser(RequestParser.mapper(), "m", MAX_PROMPT, MAX_TOKENS);

    @FuzzTest(maxDuration = "2m")
    void parsesOrAnswersAClientError(byte[] data) {
        if (data.length == 0) {
            return;
        }
        String endpoint = (data[0] & 1) == 0 ? "completions" : "chat_completions";
        byte[] body = Arrays.copyOfRange(data, 1, data.length);
        CompletionJob job;
        try {
            job = parser.parse(endpoint, body);
        } catch (ApiError e) {
            assertThat(e.status()).isBetween(400, 499);
            return;
        }
        assertThat(job).isNotNull();
    }
}
