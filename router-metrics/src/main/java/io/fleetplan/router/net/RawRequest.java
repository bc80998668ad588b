package io.fleetplan.router.net;

import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.KvTransferParams;
import io.grpc.MethodDescriptor;
import java.nio.charset.StandardCharsets;

/**
 * A {@code GenerateRequest} kept as its protobuf wire bytes, with the scalar fields the LocalRouter reads found
 * by one scan. A prompt of N token ids is N varints: as a protobuf message it is an int list grown while parsing
 * (about twice its size in garbage), copied again by {@code toBuilder()} to add fields and serialised again, in
 * the Frontend, the router and the worker. Kept as bytes, the Frontend encodes it once, the router reads the ids
 * only to hash them and forwards the same bytes with its fields appended (protobuf lets fields come in any order;
 * the last occurrence of a scalar wins, repeated fields concatenate), so unknown and future fields pass through.
 */
public final class RawRequest {

    /** Reads and writes the bytes as they are, checking them with {@link #of(byte[])}. */
    public static final MethodDescriptor.Marshaller<RawRequest> MARSHALLER = Wire.marshaller(RawRequest::of, r -> r.bytes);

    private static final int REQUEST_ID = 1;
    private static final int TOKEN_IDS = 3;
    private static final int PROMPT_TOKENS = 4;
    private static final int MAX_TOKENS = 5;
    private static final int BLOCK_HASHES = 6;
    private static final int KV_TRANSFER = 7;

    private final byte[] bytes;
    private final String requestId;
    private final int tokenCount;
    private final int promptTokens;
    private final int maxTokens;
    private final int blockHashCount;

    private RawRequest(byte[] bytes, String requestId, int tokenCount, int promptTokens, int maxTokens,
                       int blockHashCount) {
        this.bytes = bytes;
        this.requestId = requestId;
        this.tokenCount = tokenCount;
        this.promptTokens = promptTokens;
        this.maxTokens = maxTokens;
        this.blockHashCount = blockHashCount;
    }

    /**
     * Wraps serialised bytes (not copied: do not change them afterwards).
     *
     * @throws io.grpc.StatusRuntimeException INTERNAL when the bytes are not a well-formed message
     */
    public static RawRequest of(byte[] bytes) {
        String id = "";
        int tokens = 0;
        int prompt = 0;
        int max = 0;
        int hashes = 0;
        int pos = 0;
        while (pos < bytes.length) {
            long tag = Wire.value(bytes, pos);
            pos = Wire.next(bytes, pos);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            int end = Wire.skip(bytes, pos, wire);
            if (wire == Wire.VARINT) {
                switch (field) {
                    case TOKEN_IDS -> tokens++;
                    case PROMPT_TOKENS -> prompt = (int) Wire.value(bytes, pos);
                    case MAX_TOKENS -> max = (int) Wire.value(bytes, pos);
                    case BLOCK_HASHES -> hashes++;
                    default -> {
                    }
                }
            } else if (wire == Wire.LEN) {
                int start = Wire.next(bytes, pos);
                switch (field) {
                    case REQUEST_ID -> id = new String(bytes, start, end - start, StandardCharsets.UTF_8);
                    case TOKEN_IDS -> tokens += Wire.countVarints(bytes, start, end);
                    case BLOCK_HASHES -> hashes += Wire.countVarints(bytes, start, end);
                    default -> {
                    }
                }
            }
            pos = end;
        }
        return new RawRequest(bytes, id, tokens, prompt, max, hashes);
    }

    public static RawRequest of(GenerateRequest message) {
        return of(message.toByteArray());
    }

    /**
     * The request the Frontend sends, encoded in one exact array: the bytes a {@code GenerateRequest} builder
     * with the same fields writes (model left empty = the worker's), without the builder's growing int list.
     *
     * @param handoff KV transfer parameters of a disaggregated decode, or null
     */
    public static RawRequest encode(String requestId, int[] tokenIds, int maxTokens, KvTransferParams handoff) {
        byte[] id = requestId.getBytes(StandardCharsets.UTF_8);
        int packed = 0;
        for (int t : tokenIds) {
            packed += Wire.varintSize(Integer.toUnsignedLong(t));
        }
        byte[] kv = handoff == null ? null : handoff.toByteArray();
        int size = (id.length == 0 ? 0 : 1 + Wire.varintSize(id.length) + id.length)
                + (tokenIds.length == 0 ? 0 : 1 + Wire.varintSize(packed) + packed)
                + (maxTokens == 0 ? 0 : 1 + Wire.varintSize(Integer.toUnsignedLong(maxTokens)))
                + (kv == null ? 0 : 1 + Wire.varintSize(kv.length) + kv.length);
        byte[] b = new byte[size];
        int p = 0;
        if (id.length > 0) {
            p = bytesField(b, p, REQUEST_ID, id);
        }
        if (tokenIds.length > 0) {
            b[p++] = TOKEN_IDS << 3 | Wire.LEN;
            p = Wire.putVarint(b, p, packed);
            for (int t : tokenIds) {
                p = Wire.putVarint(b, p, Integer.toUnsignedLong(t));
            }
        }
        if (maxTokens != 0) {
            b[p++] = MAX_TOKENS << 3;
            p = Wire.putVarint(b, p, Integer.toUnsignedLong(maxTokens));
        }
        if (kv != null) {
            bytesField(b, p, KV_TRANSFER, kv);
        }
        return new RawRequest(b, requestId, tokenIds.length, 0, maxTokens, 0);
    }

    private static int bytesField(byte[] b, int p, int field, byte[] payload) {
        b[p++] = (byte) (field << 3 | Wire.LEN);
        p = Wire.putVarint(b, p, payload.length);
        System.arraycopy(payload, 0, b, p, payload.length);
        return p + payload.length;
    }

    /** {@code request_id} ("" when unset). */
    public String requestId() {
        return requestId;
    }

    /** Prompt token ids in {@code token_ids}. */
    public int tokenCount() {
        return tokenCount;
    }

    public int promptTokens() {
        return promptTokens;
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int blockHashCount() {
        return blockHashCount;
    }

    /** The prompt's token ids. */
    public int[] tokenIds() {
        int[] out = new int[tokenCount];
        Wire.repeated(bytes, TOKEN_IDS, out, null, 0);
        return out;
    }

    /** The block hashes the caller sent. */
    public long[] blockHashes() {
        long[] out = new long[blockHashCount];
        Wire.repeated(bytes, BLOCK_HASHES, null, out, 0);
        return out;
    }

    /** This request with {@code request_id} set (appended: the last occurrence wins). */
    public RawRequest withRequestId(String id) {
        return new RawRequest(Wire.appendLen(bytes, REQUEST_ID, id.getBytes(StandardCharsets.UTF_8)), id, tokenCount,
                promptTokens, maxTokens, blockHashCount);
    }

    /**
     * This request with {@code hashes} added to {@code block_hashes} (appended as one packed field: repeated
     * fields concatenate, so call it on a request without hashes to make them exactly {@code hashes}).
     */
    public RawRequest withBlockHashes(long[] hashes) {
        int size = 0;
        for (long h : hashes) {
            size += Wire.varintSize(h);
        }
        byte[] packed = new byte[size];
        int p = 0;
        for (long h : hashes) {
            p = Wire.putVarint(packed, p, h);
        }
        return new RawRequest(Wire.appendLen(bytes, BLOCK_HASHES, packed), requestId, tokenCount, promptTokens,
                maxTokens, blockHashCount + hashes.length);
    }

    /** The whole message. */
    public GenerateRequest parse() {
        return Wire.parse(GenerateRequest.parser(), bytes);
    }

    /** Serialised size in bytes. */
    public int size() {
        return bytes.length;
    }
}
