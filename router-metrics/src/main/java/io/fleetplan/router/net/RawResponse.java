package io.fleetplan.router.net;

import com.google.protobuf.CodedInputStream;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.proto.v1.WorkerGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A {@code GenerateResponse} (one or a few tokens of a stream) kept as its protobuf wire bytes, with the two
 * things the serving path reads per message found by one scan: how many token ids it carries and whether
 * {@code worker_id} is set. The LocalRouter relays a worker's message to the Frontend as these bytes, and the
 * Frontend reads the token ids straight from them: per token that replaces a parse into a message and builder
 * (strings, an int list) and, in the router, a re-serialisation, which were most of the garbage per token that
 * is ours rather than gRPC's. The full message is parsed only where all of it is needed ({@link #parse()}: the
 * last message of a stream, for finish reason and usage). The bytes are what the sender wrote, so unknown and
 * future fields pass through untouched.
 */
public final class RawResponse {

    /** Reads and writes the bytes as they are, checking them with {@link #of(byte[])}. */
    public static final MethodDescriptor.Marshaller<RawResponse> MARSHALLER =
            Wire.marshaller(RawResponse::of, r -> r.bytes);

    /** {@code fleetplan.v1.Worker/Generate} with raw responses (the same method on the wire). */
    public static final MethodDescriptor<RawRequest, RawResponse> WORKER_GENERATE =
            WorkerGrpc.getGenerateMethod().toBuilder(RawRequest.MARSHALLER, MARSHALLER)
                    .build();

    /** {@code fleetplan.v1.Router/Generate} with raw responses (the same method on the wire). */
    public static final MethodDescriptor<RawRequest, RawResponse> ROUTER_GENERATE =
            RouterGrpc.getGenerateMethod().toBuilder(RawRequest.MARSHALLER, MARSHALLER)
                    .build();

    private static final int TOKEN_IDS = 2;
    private static final int WORKER_ID = 7;
    private static final int TOKEN_ID_TAG = TOKEN_IDS << 3 | Wire.VARINT;
    private static final int TOKEN_IDS_PACKED_TAG = TOKEN_IDS << 3 | Wire.LEN;
    private static final int WORKER_ID_TAG = WORKER_ID << 3 | Wire.LEN;

    private final byte[] bytes;
    private final int tokenCount;
    private final boolean hasWorkerId;

    private RawResponse(byte[] bytes, int tokenCount, boolean hasWorkerId) {
        this.bytes = bytes;
        this.tokenCount = tokenCount;
        this.hasWorkerId = hasWorkerId;
    }

    /**
     * Wraps serialised bytes (not copied: do not change them afterwards).
     *
     * @throws io.grpc.StatusRuntimeException INTERNAL when the bytes are not a well-formed message, as gRPC's own
     *                                        marshaller answers
     */
    public static RawResponse of(byte[] bytes) {
        int tokens = 0;
        boolean worker = false;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag) {
                    case TOKEN_ID_TAG -> { // unpacked encoding: one id per field
                        in.readRawVarint64();
                        tokens++;
                    }
                    case TOKEN_IDS_PACKED_TAG -> tokens += Wire.countPacked(in);
                    case WORKER_ID_TAG -> {
                        int length = in.readRawVarint32();
                        in.skipRawBytes(length);
                        worker = length > 0; // proto3: the last occurrence wins, and "" means unset
                    }
                    default -> Wire.skip(in, tag);
                }
            }
        } catch (IOException e) {
            throw Wire.malformed(e);
        }
        return new RawResponse(bytes, tokens, worker);
    }

    public static RawResponse of(GenerateResponse message) {
        return of(message.toByteArray());
    }

    /**
     * A generated service definition with one method replaced by {@code replacement} (the same method name, here
     * with raw messages), for servers that relay or emit {@code GenerateResponse}s as bytes.
     */
    public static ServerServiceDefinition replacing(
            ServerServiceDefinition generated, ServerMethodDefinition<?, ?> replacement) {
        String name = replacement.getMethodDescriptor().getFullMethodName();
        ServerServiceDefinition.Builder b =
                ServerServiceDefinition.builder(generated.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> m : generated.getMethods()) {
            if (!m.getMethodDescriptor().getFullMethodName().equals(name)) {
                b.addMethod(m);
            }
        }
        return b.addMethod(replacement).build();
    }

    /** Token ids in this message (what {@code getTokenIdsCount()} of the parsed message says). */
    public int tokenCount() {
        return tokenCount;
    }

    /** {@code worker_id} is set (not empty). */
    public boolean hasWorkerId() {
        return hasWorkerId;
    }

    /** Copies the token ids, in order, into {@code into} from {@code offset}; returns how many. */
    public int tokenIds(int[] into, int offset) {
        return Wire.repeated(bytes, TOKEN_IDS, into, null, offset);
    }

    /**
     * This message with {@code worker_id} set: the field is appended to the bytes (protobuf lets a field come in
     * any order, and the last occurrence of a string field wins), so nothing is parsed or re-encoded.
     *
     * @param workerIdField the field's encoding from {@link #workerIdField(String)}
     */
    public RawResponse withWorkerIdField(byte[] workerIdField) {
        byte[] out = new byte[bytes.length + workerIdField.length];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        System.arraycopy(workerIdField, 0, out, bytes.length, workerIdField.length);
        return new RawResponse(out, tokenCount, workerIdField.length > 2);
    }

    /** The wire encoding of {@code worker_id = id} (tag, length, UTF-8 bytes), to append with {@link #withWorkerIdField}. */
    public static byte[] workerIdField(String id) {
        return Wire.appendLen(new byte[0], WORKER_ID, id.getBytes(StandardCharsets.UTF_8));
    }

    /** The whole message. */
    public GenerateResponse parse() {
        return Wire.parse(GenerateResponse.parser(), bytes);
    }

    /** Serialised size in bytes. */
    public int size() {
        return bytes.length;
    }
}
