package io.fleetplan.router.net;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.grpc.Drainable;
import io.grpc.MethodDescriptor;
import io.grpc.KnownLength;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;

/** Protobuf wire-format reading and writing shared by {@link RawResponse} and {@link RawRequest}. */
final class Wire {

    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    private Wire() {
    }

    /** The varint starting at {@code pos}. */
    static long value(byte[] b, int pos) {
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
    static int next(byte[] b, int pos) {
        int limit = Math.min(b.length, pos + 10);
        while (pos < limit) {
            if (b[pos++] >= 0) {
                return pos;
            }
        }
        throw malformed();
    }

    /**
     * Where the value of a field with wire type {@code wire} starting at {@code pos} ends (for LEN: after the
     * bytes); groups and unknown wire types are malformed (no message of ours has them).
     */
    static int skip(byte[] b, int pos, int wire) {
        return switch (wire) {
            case VARINT -> next(b, pos);
            case FIXED64 -> bounded(b, pos + 8L);
            case FIXED32 -> bounded(b, pos + 4L);
            case LEN -> bounded(b, next(b, pos) + value(b, pos));
            default -> throw malformed();
        };
    }

    private static int bounded(byte[] b, long end) {
        if (end > b.length) {
            throw malformed();
        }
        return (int) end;
    }

    /** Count of the varints in {@code [from, to)} (a packed field), checking the last one ends there. */
    static int countVarints(byte[] b, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (b[i] >= 0) {
                n++;
            }
        }
        if (to > from && b[to - 1] < 0) {
            throw malformed();
        }
        return n;
    }

    /**
     * Copies the values of repeated varint field {@code field} (packed or not, in order) into {@code ints} (as
     * uint32) or else {@code longs}, from {@code offset}; returns how many. The bytes were checked when scanned.
     */
    static int repeated(byte[] b, int field, int[] ints, long[] longs, int offset) {
        int n = offset;
        int pos = 0;
        while (pos < b.length) {
            long tag = value(b, pos);
            pos = next(b, pos);
            int wire = (int) (tag & 7);
            int end = skip(b, pos, wire);
            if (tag >>> 3 == field && (wire == VARINT || wire == LEN)) {
                int p = wire == LEN ? next(b, pos) : pos;
                while (p < end) {
                    long v = value(b, p);
                    if (ints != null) {
                        ints[n++] = (int) v;
                    } else {
                        longs[n++] = v;
                    }
                    p = next(b, p);
                }
            }
            pos = end;
        }
        return n - offset;
    }

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    static int putVarint(byte[] b, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        return p;
    }

    /** {@code bytes} followed by a length-delimited field holding {@code payload} (appended as it is). */
    static byte[] appendLen(byte[] bytes, int field, byte[] payload) {
        byte[] out = new byte[bytes.length + 1 + varintSize(payload.length) + payload.length];
        System.arraycopy(bytes, 0, out, 0, bytes.length);
        int p = bytes.length;
        out[p++] = (byte) (field << 3 | LEN);
        p = putVarint(out, p, payload.length);
        System.arraycopy(payload, 0, out, p, payload.length);
        return out;
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
            throw Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e).asRuntimeException();
        }
    }

    static RuntimeException malformed() {
        return Status.INTERNAL.withDescription("Invalid protobuf byte sequence").asRuntimeException();
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
            throw Status.INTERNAL.withDescription("reading a message failed").withCause(e).asRuntimeException();
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
