package io.fleetplan.router.net;

import com.google.protobuf.InvalidProtocolBufferException;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.GenerateResponse;
import io.fleetplan.proto.v1.RouterGrpc;
import io.fleetplan.proto.v1.WorkerGrpc;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
    public static final MethodDescriptor.Marshaller<RawResponse> MARSHALLER = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(RawResponse value) {
            return new BytesStream(value.bytes);
        }

        @Override
        public RawResponse parse(InputStream stream) {
            try {
                return of(readAll(stream));
            } catch (IOException e) {
                throw Status.INTERNAL.withDescription("reading a GenerateResponse failed").withCause(e)
                        .asRuntimeException();
            }
        }
    };

    /** {@code fleetplan.v1.Worker/Generate} with raw responses (the same method on the wire). */
    public static final MethodDescriptor<GenerateRequest, RawResponse> WORKER_GENERATE =
            WorkerGrpc.getGenerateMethod().toBuilder(WorkerGrpc.getGenerateMethod().getRequestMarshaller(), MARSHALLER)
                    .build();

    /** {@code fleetplan.v1.Router/Generate} with raw responses (the same method on the wire). */
    public static final MethodDescriptor<GenerateRequest, RawResponse> ROUTER_GENERATE =
            RouterGrpc.getGenerateMethod().toBuilder(RouterGrpc.getGenerateMethod().getRequestMarshaller(), MARSHALLER)
                    .build();

    private static final int TOKEN_IDS = 2;
    private static final int WORKER_ID = 7;

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
        int pos = 0;
        while (pos < bytes.length) {
            long tag = value(bytes, pos);
            pos = next(bytes, pos);
            int field = (int) (tag >>> 3);
            switch ((int) (tag & 7)) {
                case 0 -> {
                    pos = next(bytes, pos);
                    if (field == TOKEN_IDS) {
                        tokens++; // unpacked encoding: one id per field
                    }
                }
                case 1 -> pos = skip(bytes, pos, 8);
                case 5 -> pos = skip(bytes, pos, 4);
                case 2 -> {
                    long len = value(bytes, pos);
                    pos = next(bytes, pos);
                    if (len > bytes.length - pos) {
                        throw malformed();
                    }
                    int end = pos + (int) len;
                    if (field == TOKEN_IDS) {
                        // packed: count the varints (their last byte has no continuation bit)
                        for (int i = pos; i < end; i++) {
                            if (bytes[i] >= 0) {
                                tokens++;
                            }
                        }
                        if (len > 0 && bytes[end - 1] < 0) {
                            throw malformed();
                        }
                    } else if (field == WORKER_ID) {
                        worker = len > 0; // proto3: the last occurrence wins, and "" means unset
                    }
                    pos = end;
                }
                default -> throw malformed();
            }
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
    public static ServerServiceDefinition replacing(ServerServiceDefinition generated,
                                                    ServerMethodDefinition<?, ?> replacement) {
        String name = replacement.getMethodDescriptor().getFullMethodName();
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(generated.getServiceDescriptor().getName());
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
        int n = 0;
        int pos = 0;
        while (pos < bytes.length) {
            long tag = value(bytes, pos);
            pos = next(bytes, pos);
            int field = (int) (tag >>> 3);
            switch ((int) (tag & 7)) {
                case 0 -> {
                    if (field == TOKEN_IDS) {
                        into[offset + n++] = (int) value(bytes, pos);
                    }
                    pos = next(bytes, pos);
                }
                case 1 -> pos += 8;
                case 5 -> pos += 4;
                default -> { // 2: length-delimited ({@link #of} accepted no other wire type)
                    int len = (int) value(bytes, pos);
                    pos = next(bytes, pos);
                    int end = pos + len;
                    if (field == TOKEN_IDS) {
                        while (pos < end) {
                            into[offset + n++] = (int) value(bytes, pos);
                            pos = next(bytes, pos);
                        }
                    }
                    pos = end;
                }
            }
        }
        return n;
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
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        byte[] len = new byte[5];
        int n = 0;
        int v = utf8.length;
        while ((v & ~0x7F) != 0) {
            len[n++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        len[n++] = (byte) v;
        byte[] out = new byte[1 + n + utf8.length];
        out[0] = (byte) (WORKER_ID << 3 | 2);
        System.arraycopy(len, 0, out, 1, n);
        System.arraycopy(utf8, 0, out, 1 + n, utf8.length);
        return out;
    }

    /** The whole message. */
    public GenerateResponse parse() {
        try {
            return GenerateResponse.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e).asRuntimeException();
        }
    }

    /** Serialised size in bytes. */
    public int size() {
        return bytes.length;
    }

    /** The varint starting at {@code pos}. */
    private static long value(byte[] b, int pos) {
        long v = 0;
        for (int shift = 0; shift < 64 && pos < b.length; shift += 7) {
            byte x = b[pos++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw malformed();
    }

    /** Where the varint starting at {@code pos} ends. */
    private static int next(byte[] b, int pos) {
        int limit = Math.min(b.length, pos + 10);
        while (pos < limit) {
            if (b[pos++] >= 0) {
                return pos;
            }
        }
        throw malformed();
    }

    private static int skip(byte[] b, int pos, int n) {
        if (b.length - pos < n) {
            throw malformed();
        }
        return pos + n;
    }

    private static RuntimeException malformed() {
        return Status.INTERNAL.withDescription("Invalid protobuf byte sequence (GenerateResponse)")
                .asRuntimeException();
    }

    /**
     * The message bytes in one array. gRPC hands over a stream that knows its length, so one exact array is read
     * (no growing buffers).
     */
    private static byte[] readAll(InputStream in) throws IOException {
        if (!(in instanceof KnownLength)) {
            return in.readAllBytes();
        }
        byte[] out = new byte[in.available()];
        int off = 0;
        while (off < out.length) {
            int r = in.read(out, off, out.length - off);
            if (r < 0) {
                throw new IOException("message ended after " + off + " of " + out.length + " bytes");
            }
            off += r;
        }
        return out;
    }

    /** Bytes gRPC copies straight into its frame buffer ({@link Drainable}) with their length known up front. */
    private static final class BytesStream extends ByteArrayInputStream implements KnownLength, Drainable {
        BytesStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int n = count - pos;
            target.write(buf, pos, n);
            pos = count;
            return n;
        }
    }
}
