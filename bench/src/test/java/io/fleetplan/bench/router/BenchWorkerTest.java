package io.fleetplan.bench.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.router.net.RawResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchWorkerTest {

    @Test
    void preEncodedTokenMessagesAreWhatTheBuilderWrites() {
        String id = "chatcmpl-1a-é";
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        byte[] idField = new byte[2 + utf8.length];
        idField[0] = 1 << 3 | 2;
        idField[1] = (byte) utf8.length;
        System.arraycopy(utf8, 0, idField, 2, utf8.length);
        for (int i : new int[] {0, 1, 127, 128, 300, 20_000}) {
            RawResponse raw = BenchWorker.token(idField, 1000 + i, i, RawResponse.workerIdField("bw3"));
            GenerateResponse expected = GenerateResponse.newBuilder()
                    .setRequestId(id)
                    .addTokenIds(1000 + i)
                    .setIndex(i)
                    .setWorkerId("bw3")
                    .build();
            assertThat(raw.parse()).isEqualTo(expected);
            assertThat(raw.size()).isEqualTo(expected.getSerializedSize());
            assertThat(raw.tokenCount()).isEqualTo(1);
        }
    }
}
