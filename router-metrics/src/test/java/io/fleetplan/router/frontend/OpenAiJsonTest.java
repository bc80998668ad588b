package io.fleetplan.router.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The per-token SSE bytes must be exactly what the String shapes give (those are what the HTTP tests check). */
class OpenAiJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static CompletionJob job(boolean chat) {
        return new CompletionJob(
                chat ? "chat_completions" : "completions",
                "m\"odel",
                new int[] {1},
                4,
                true,
                false,
                null,
                null,
                null,
                null,
                0);
    }

    private static String bytesChoice(CompletionJob job, boolean first, int... ids) {
        OpenAiJson.DeltaBytes d = OpenAiJson.deltaBytes(job);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(d.open(first));
        for (int id : ids) {
            out.writeBytes(Tokenizer.decodeJson(id));
        }
        out.writeBytes(d.close());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tokenChunkBytesEqualTheStringShapeForEveryWord() throws Exception {
        for (boolean chat : new boolean[] {true, false}) {
            CompletionJob job = job(chat);
            for (boolean first : new boolean[] {true, false}) {
                for (int id = 0; id < 400; id++) {
                    assertThat(bytesChoice(job, first, id))
                            .isEqualTo(OpenAiJson.deltaChoice(job, Tokenizer.decode(id), first, null));
                }
                String several = Tokenizer.decode(5) + Tokenizer.decode(77) + Tokenizer.decode(50_000);
                String choice = bytesChoice(job, first, 5, 77, 50_000);
                assertThat(choice).isEqualTo(OpenAiJson.deltaChoice(job, several, first, null));
                JsonNode parsed = JSON.readTree(choice);
                assertThat((chat
                                        ? parsed.get(0).get("delta").get("content")
                                        : parsed.get(0).get("text"))
                                .asText())
                        .isEqualTo(several);
            }
        }
    }

    @Test
    void chunkSizeLinesAreHexAsTheHttpEncoderWritesThem() {
        for (int size : new int[] {0, 1, 15, 16, 255, 256, 4095, 4096, 1 << 20, Integer.MAX_VALUE}) {
            ByteBuf buf = Unpooled.buffer();
            Exchange.writeChunkHead(buf, size);
            assertThat(buf.toString(StandardCharsets.US_ASCII)).isEqualTo(Integer.toHexString(size) + "\r\n");
            assertThat(Exchange.chunkFraming(size))
                    .isEqualTo(Integer.toHexString(size).length() + 4);
        }
    }

    @Test
    void decodedTextIsEscapedJsonStringContent() throws Exception {
        for (int id = 0; id < 400; id++) {
            String quoted = "\"" + new String(Tokenizer.decodeJson(id), StandardCharsets.UTF_8) + "\"";
            assertThat(JSON.readTree(quoted).asText()).isEqualTo(Tokenizer.decode(id));
            assertThat(quoted).isEqualTo(OpenAiJson.str(Tokenizer.decode(id)));
        }
        assertThat(OpenAiJson.str("a\"b\\c\n\u0001é")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001é\"");
    }
}
