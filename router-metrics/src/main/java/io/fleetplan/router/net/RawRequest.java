package io.fleetplan.router.net;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.fleetplan.proto.v1.GenerateRequest;
import io.fleetplan.proto.v1.KvTransferParams;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
    public static final MethodDescriptor.Marshaller<RawRequest> MARSHALLER =
            Wire.marshaller(RawRequest::of, r -> r.bytes);

    private static final int REQUEST_ID = 1;
    private static final int TOKEN_IDS = 3;
    private static final int PROMPT_TOKENS = 4;
    private static final int MAX_TOKENS = 5;
    private static final int BLOCK_HASHES = 6;
    private static final int KV_TRANSFER = 7;
    private static final int REQUEST_ID_TAG = REQUEST_ID << 3 | Wire.LEN;
    private static final int TOKEN_ID_TAG = TOKEN_IDS << 3 | Wire.VARINT;
    private static final int TOKEN_IDS_PACKED_TAG = TOKEN_IDS << 3 | Wire.LEN;
    private static final int PROMPT_TOKENS_TAG = PROMPT_TOKENS << 3 | Wire.VARINT;
    private static final int MAX_TOKENS_TAG = MAX_TOKENS << 3 | Wire.VARINT;
    private static final int BLOCK_HASH_TAG = BLOCK_HASHES << 3 | Wire.VARINT;
    private static final int BLOCK_HASHES_PACKED_TAG = BLOCK_HASHES << 3 | Wire.LEN;

    private final byte[] bytes;
    private final String requestId;
    private final int tokenCount;
    private final int promptTokens;
    private final int maxTokens;
    private final int blockHashCount;

    private RawRequest(
            byte[] bytes, String requestId, int tokenCount, int promptTokens, int maxTokens, int blockHashCount) {
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
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag) {
                    case REQUEST_ID_TAG -> id = in.readString();
                    case TOKEN_ID_TAG -> {
                        in.readRawVarint64();
                        tokens++;
                    }
                    case TOKEN_IDS_PACKED_TAG -> tokens += Wire.countPacked(in);
                    case PROMPT_TOKENS_TAG -> prompt = in.readUInt32();
                    case MAX_TOKENS_TAG -> max = in.readUInt32();
                    case BLOCK_HASH_TAG -> {
                        in.readRawVarint64();
                        hashes++;
                    }
                    case BLOCK_HASHES_PACKED_TAG -> hashes += Wire.countPacked(in);
                    default -> Wire.skip(in, tag);
                }
            }
        } catch (IOException e) {
            throw Wire.malformed(e);
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
        int packed = 0;
        for (int t : tokenIds) {
            packed += CodedOutputStream.computeUInt32SizeNoTag(t);
        }
        int size = (requestId.isEmpty() ? 0 : CodedOutputStream.computeStringSize(REQUEST_ID, requestId))
                + (tokenIds.length == 0
                        ? 0
                        : CodedOutputStream.computeTagSize(TOKEN_IDS)
                                + CodedOutputStream.computeUInt32SizeNoTag(packed)
                                + packed)
                + (maxTokens == 0 ? 0 : CodedOutputStream.computeUInt32Size(MAX_TOKENS, maxTokens))
                + (handoff == null ? 0 : CodedOutputStream.computeMessageSize(KV_TRANSFER, handoff));
        int promptBytes = packed;
        byte[] b = Wire.write(new byte[size], 0, out -> {
            if (!requestId.isEmpty()) {
                out.writeString(REQUEST_ID, requestId);
            }
            if (tokenIds.length > 0) {
                out.writeTag(TOKEN_IDS, Wire.LEN);
                out.writeUInt32NoTag(promptBytes);
                for (int t : tokenIds) {
                    out.writeUInt32NoTag(t);
                }
            }
            if (maxTokens != 0) {
                out.writeUInt32(MAX_TOKENS, maxTokens);
            }
            if (handoff != null) {
                out.writeMessage(KV_TRANSFER, handoff);
            }
        });
        return new RawRequest(b, requestId, tokenIds.length, 0, maxTokens, 0);
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
        return new RawRequest(
                Wire.appendLen(bytes, REQUEST_ID, id.getBytes(StandardCharsets.UTF_8)),
                id,
                tokenCount,
                promptTokens,
                maxTokens,
                blockHashCount);
    }

    /**
     * This request with {@code hashes} added to {@code block_hashes} (appended as one packed field: repeated
     * fields concatenate, so call it on a request without hashes to make them exactly {@code hashes}).
     */
    public RawRequest withBlockHashes(long[] hashes) {
        int packed = 0;
        for (long h : hashes) {
            packed += CodedOutputStream.computeUInt64SizeNoTag(h);
        }
        int size = CodedOutputStream.computeTagSize(BLOCK_HASHES)
                + CodedOutputStream.computeUInt32SizeNoTag(packed)
                + packed;
        int length = packed;
        byte[] out = Wire.write(Arrays.copyOf(bytes, bytes.length + size), bytes.length, w -> {
            w.writeTag(BLOCK_HASHES, Wire.LEN);
            w.writeUInt32NoTag(length);
            for (long h : hashes) {
                w.writeUInt64NoTag(h);
            }
        });
        return new RawRequest(out, requestId, tokenCount, promptTokens, maxTokens, blockHashCount + hashes.length);
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
