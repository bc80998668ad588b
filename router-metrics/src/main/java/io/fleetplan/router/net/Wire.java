package io.fleetplan.router.net;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.google.protobuf.WireFormat;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Protobuf wire-format helpers shared by {@link RawResponse} and {@link RawRequest}, on protobuf's own
 * {@link CodedInputStream} / {@link CodedOutputStream}: the messages stay bytes, only the few fields the serving
 * path reads are decoded, and fields are appended without re-encoding the rest.
 */
final class Wire {

    static final int VARINT = WireFormat.WIRETYPE_VARINT;
    static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private Wire() {}

    static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    /** Skips the field whose tag was just read; an end-group tag where none was opened is malformed. */
    static void skip(CodedInputStream in, int tag) throws IOException {
        if (!in.skipField(tag)) {
            throw new InvalidProtocolBufferException("end-group tag outside a group");
        }
    }

    /** Count of the values of a packed varint field whose tag was just read (the reader ends after it). */
    static int countPacked(CodedInputStream in) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        int n = 0;
        while (!in.isAtEnd()) {
            in.readRawVarint64();
            n++;
        }
        in.popLimit(limit);
        return n;
    }

    /**
     * Copies the values of repeated varint field {@code field} (packed or not, in order) into {@code ints} (as
     * uint32) or else {@code longs}, from {@code offset}; returns how many. The bytes were checked when scanned.
     */
    static int repeated(byte[] b, int field, int[] ints, long[] longs, int offset) {
        int n = offset;
        try {
            CodedInputStream in = CodedInputStream.newInstance(b);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == tag(field, VARINT)) {
                    n = store(in.readRawVarint64(), ints, longs, n);
                } else if (tag == tag(field, LEN)) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    while (!in.isAtEnd()) {
                        n = store(in.readRawVarint64(), ints, longs, n);
                    }
                    in.popLimit(limit);
                } else {
                    skip(in, tag);
                }
            }
        } catch (IOException e) {
            throw malformed(e);
        }
        return n - offset;
    }

    private static int store(long v, int[] ints, long[] longs, int n) {
        if (ints != null) {
            ints[n] = (int) v;
        } else {
            longs[n] = v;
        }
        return n + 1;
    }

    /** Writes fields with a {@link CodedOutputStream}. */
    interface Fields {
        void writeTo(CodedOutputStream out) throws IOException;
    }

    /**
     * Fills {@code into} from {@code offset} to its end with {@code fields}; the sizes were computed up front, so
     * a mismatch is a bug here, not bad input.
     */
    static byte[] write(byte[] into, int offset, Fields fields) {
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(into, offset, into.length - offset);
            fields.writeTo(out);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("encoded size computed wrongly", e);
        }
        return into;
    }

    /** {@code bytes} followed by a length-delimited field holding {@code payload} (appended as it is). */
    static byte[] appendLen(byte[] bytes, int field, byte[] payload) {
        byte[] out = Arrays.copyOf(bytes, bytes.length + CodedOutputStream.computeByteArraySize(field, payload));
        return write(out, bytes.length, w -> w.writeByteArray(field, payload));
    }

    /** A gRPC marshaller of messages kept as their bytes. */
    static <T> MethodDescriptor.Marshaller<T> marshaller(Function<byte[], T> wrap, Function<T, byte[]> bytes) {
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(T value) {
                return new BytesStream(bytes.apply(value));
            }

            @Override
            public T parse(InputStream stream) {
                return wrap.apply(readAll(stream));
            }
        };
    }

    /** The whole message, failing as gRPC's own marshaller does. */
    static <M> M parse(Parser<M> parser, byte[] bytes) {
        try {
            return parser.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw malformed(e);
        }
    }

    /** What gRPC's own marshaller answers for bytes that are not a well-formed message. */
    static RuntimeException malformed(IOException cause) {
        return Status.INTERNAL
                .withDescription("Invalid protobuf byte sequence")
                .withCause(cause)
                .asRuntimeException();
    }

    /**
     * A gRPC message's bytes in one array. gRPC hands marshallers a stream that knows its length, so one exact
     * array is read ({@code readAllBytes()} would fill 8 KB buffers and copy them).
     */
    static byte[] readAll(InputStream in) {
        try {
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
        } catch (IOException e) {
            throw Status.INTERNAL
                    .withDescription("reading a message failed")
                    .withCause(e)
                    .asRuntimeException();
        }
    }

    /** Bytes gRPC copies straight into its frame buffer ({@link Drainable}) with their length known up front. */
    static final class BytesStream extends ByteArrayInputStream implements KnownLength, Drainable {
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
