package io.fleetplan.router.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.KvTransferParams;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RawRequestTest {

    private static final int[] PROMPT = {0, 1, 127, 128, 50_255, -1, 300_000};
    private static final KvTransferParams HANDOFF = KvTransferParams.newBuilder()
            .setPrefillWorkerId("p0")
            .setTransferredTokens(7)
            .setTransferMs(1.5)
            .setFirstTokenId(42)
            .build();

    private static GenerateRequest built(String id, int max, KvTransferParams handoff) {
        GenerateRequest.Builder b =
                GenerateRequest.newBuilder().setRequestId(id).setModel("").setMaxTokens(max);
        for (int t : PROMPT) {
            b.addTokenIds(t);
        }
        if (handoff != null) {
            b.setKvTransfer(handoff);
        }
        return b.build();
    }

    @Test
    void encodesWhatTheBuilderWrites() {
        for (KvTransferParams h : new KvTransferParams[] {null, HANDOFF}) {
            RawRequest raw = RawRequest.encode("chatcmpl-é1", PROMPT, 40, h);
            GenerateRequest expected = built("chatcmpl-é1", 40, h);
            assertThat(raw.parse()).isEqualTo(expected);
            assertThat(raw.size()).isEqualTo(expected.getSerializedSize());
            assertThat(raw.tokenCount()).isEqualTo(PROMPT.length);
            assertThat(raw.maxTokens()).isEqualTo(40);
            assertThat(raw.requestId()).isEqualTo("chatcmpl-é1");
        }
        assertThat(RawRequest.encode("", new int[0], 0, null).parse()).isEqualTo(GenerateRequest.getDefaultInstance());
    }

    @Test
    void readsTheFieldsTheRouterNeeds() {
        GenerateRequest r = built("r-1", 9, HANDOFF).toBuilder()
                .setPromptTokens(33)
                .addBlockHashes(5)
                .addBlockHashes(Long.MIN_VALUE)
                .setArrivalTime(12.5)
                .build();
        RawRequest raw = RawRequest.of(r);
        assertThat(raw.requestId()).isEqualTo("r-1");
        assertThat(raw.tokenCount()).isEqualTo(PROMPT.length);
        assertThat(raw.tokenIds()).containsExactly(PROMPT);
        assertThat(raw.promptTokens()).isEqualTo(33);
        assertThat(raw.maxTokens()).isEqualTo(9);
        assertThat(raw.blockHashCount()).isEqualTo(2);
        assertThat(raw.blockHashes()).containsExactly(5, Long.MIN_VALUE);

        RawRequest empty = RawRequest.of(GenerateRequest.getDefaultInstance());
        assertThat(empty.requestId()).isEmpty();
        assertThat(empty.tokenCount()).isZero();
        assertThat(empty.maxTokens()).isZero();
    }

    @Test
    void readsUnpackedIdsToo() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt32(3, 11);
        out.writeUInt32(5, 4);
        out.writeUInt32(3, 70_000);
        out.writeUInt64(6, 99);
        out.flush();
        RawRequest raw = RawRequest.of(bytes.toByteArray());
        assertThat(raw.tokenIds()).containsExactly(11, 70_000);
        assertThat(raw.blockHashes()).containsExactly(99L);
        assertThat(raw.maxTokens()).isEqualTo(4);
    }

    @Test
    void appendedFieldsEqualSettingThem() {
        GenerateRequest r = built("", 5, null);
        long[] hashes = {1, -7, Long.MAX_VALUE};
        RawRequest raw = RawRequest.of(r).withRequestId("req-9").withBlockHashes(hashes);
        assertThat(raw.requestId()).isEqualTo("req-9");
        assertThat(raw.blockHashCount()).isEqualTo(3);
        assertThat(raw.blockHashes()).containsExactly(hashes);
        assertThat(raw.parse())
                .isEqualTo(r.toBuilder()
                        .setRequestId("req-9")
                        .addBlockHashes(1)
                        .addBlockHashes(-7)
                        .addBlockHashes(Long.MAX_VALUE)
                        .build());
        assertThat(RawRequest.of(built("old", 5, null))
                        .withRequestId("new")
                        .parse()
                        .getRequestId())
                .isEqualTo("new");
    }

    @Test
    void marshallerRoundTripsAndRejectsMalformedBytes() throws IOException {
        byte[] bytes = built("x", 3, HANDOFF).toByteArray();
        RawRequest parsed = RawRequest.MARSHALLER.parse(new ByteArrayInputStream(bytes));
        assertThat(RawRequest.MARSHALLER.stream(parsed).readAllBytes()).isEqualTo(bytes);
        assertThatThrownBy(() -> RawRequest.of(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> RawRequest.of(new byte[] {0x1A, 0x02, (byte) 0x80, (byte) 0x80}))
                .isInstanceOf(StatusRuntimeException.class);
    }
}
