package io.fleetplan.router.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import io.fleetplan.proto.v1.FinishReason;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.KvTransferParams;
import io.fleetplan.proto.v1.Usage;
import io.grpc.Drainable;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RawResponseTest {

    private static final GenerateResponse FULL = GenerateResponse.newBuilder()
            .setRequestId("req-ü-1")
            .addTokenIds(1)
            .addTokenIds(300)
            .addTokenIds(70_000)
            .addTokenIds(-1)
            .setIndex(5)
            .setFinished(true)
            .setFinishReason(FinishReason.LENGTH)
            .setUsage(Usage.newBuilder().setPromptTokens(512).setCompletionTokens(9))
            .setWorkerId("w-7")
            .setKvTransfer(KvTransferParams.newBuilder().setPrefillWorkerId("p").setTransferredTokens(3))
            .setEngineTimeMs(12.5)
            .build();

    @Test
    void readsTokenIdsAndWorkerIdAsTheParsedMessageDoes() {
        RawResponse raw = RawResponse.of(FULL);
        assertThat(raw.tokenCount()).isEqualTo(4);
        assertThat(raw.hasWorkerId()).isTrue();
        int[] ids = new int[6];
        assertThat(raw.tokenIds(ids, 2)).isEqualTo(4);
        assertThat(Arrays.copyOfRange(ids, 2, 6)).containsExactly(1, 300, 70_000, -1);
        assertThat(raw.parse()).isEqualTo(FULL);
        assertThat(raw.size()).isEqualTo(FULL.getSerializedSize());

        RawResponse empty = RawResponse.of(GenerateResponse.getDefaultInstance());
        assertThat(empty.tokenCount()).isZero();
        assertThat(empty.hasWorkerId()).isFalse();
        assertThat(empty.parse()).isEqualTo(GenerateResponse.getDefaultInstance());
    }

    @Test
    void readsUnpackedTokenIdsToo() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt32(2, 7);
        out.writeString(1, "r");
        out.writeUInt32(2, 200_000);
        out.flush();
        RawResponse raw = RawResponse.of(bytes.toByteArray());
        assertThat(raw.tokenCount()).isEqualTo(2);
        int[] ids = new int[2];
        raw.tokenIds(ids, 0);
        assertThat(ids).containsExactly(7, 200_000);
        assertThat(raw.parse().getTokenIdsList()).containsExactly(7, 200_000);
    }

    @Test
    void appendingTheWorkerIdEqualsSettingIt() {
        GenerateResponse without = FULL.toBuilder().clearWorkerId().build();
        RawResponse raw = RawResponse.of(without);
        assertThat(raw.hasWorkerId()).isFalse();
        RawResponse with = raw.withWorkerIdField(RawResponse.workerIdField("worker-é-" + "x".repeat(200)));
        assertThat(with.hasWorkerId()).isTrue();
        assertThat(with.tokenCount()).isEqualTo(4);
        assertThat(with.parse())
                .isEqualTo(without.toBuilder()
                        .setWorkerId("worker-é-" + "x".repeat(200))
                        .build());
        assertThat(RawResponse.of(with.parse().toByteArray()).hasWorkerId()).isTrue();
    }

    @Test
    void malformedBytesAreRejectedAsGrpcRejectsThem() {
        byte[] good = FULL.toByteArray();
        assertThatThrownBy(() -> RawResponse.of(Arrays.copyOf(good, good.length - 1)))
                .isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> RawResponse.of(new byte[] {(byte) 0x80})).isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> RawResponse.of(new byte[] {0x0B})) // wire type 3 (group start)
                .isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> RawResponse.of(new byte[] {0x12, 0x05, 0x01}))
                .isInstanceOf(StatusRuntimeException.class);
    }

    @Test
    void marshallerRoundTripsTheBytes() throws IOException {
        byte[] bytes = FULL.toByteArray();
        RawResponse parsed = RawResponse.MARSHALLER.parse(new ByteArrayInputStream(bytes));
        assertThat(parsed.parse()).isEqualTo(FULL);
        InputStream stream = RawResponse.MARSHALLER.stream(parsed);
        assertThat(stream.available()).isEqualTo(bytes.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(((Drainable) stream).drainTo(out)).isEqualTo(bytes.length);
        assertThat(out.toByteArray()).isEqualTo(bytes);
        assertThat(RawResponse.ROUTER_GENERATE.getFullMethodName()).isEqualTo("fleetplan.v1.Router/Generate");
        assertThat(RawResponse.WORKER_GENERATE.getFullMethodName()).isEqualTo("fleetplan.v1.Worker/Generate");
    }
}
