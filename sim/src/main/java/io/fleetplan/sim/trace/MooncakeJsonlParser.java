package io.fleetplan.sim.trace;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;

/**
 * Mooncake JSON Lines: {@code {"timestamp": ms, "input_length": n, "output_length": n, "hash_ids": [..]}}.
 * {@code hash_ids} (prefix-block ids, 512 tokens per block) is optional; other fields are ignored. Streams
 * each line with Jackson's parser (no tree), since the 1-hour traces have long hash lists.
 */
final class MooncakeJsonlParser implements TraceReader.RowParser {

    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public TraceRequest parse(String line, long lineNo) throws TraceReader.RowException {
        double ts = Double.NaN;
        long input = -1;
        long output = -1;
        long[] hashes = null;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new TraceReader.RowException("not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "timestamp" -> ts = number(field, p, v);
                    case "input_length" -> input = integer(field, p, v);
                    case "output_length" -> output = integer(field, p, v);
                    case "hash_ids" -> hashes = hashIds(p, v);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new TraceReader.RowException("malformed JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new TraceReader.RowException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new TraceReader.RowException("malformed JSON: " + e.getMessage());
        }
        if (Double.isNaN(ts)) {
            throw new TraceReader.RowException("missing field timestamp (ms)");
        }
        long nanos = TraceReader.relativeNanos("timestamp", ts, 1000, "ms");
        check("input_length", input);
        check("output_length", output);
        return new TraceRequest(nanos, (int) input, (int) output, hashes);
    }

    private static void check(String field, long v) throws TraceReader.RowException {
        if (v == -1) {
            throw new TraceReader.RowException("missing field " + field);
        }
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new TraceReader.RowException(
                    field + " = " + v + ": must be an integer from 1 to " + Integer.MAX_VALUE);
        }
    }

    private static double number(String field, JsonParser p, JsonToken v) throws IOException, TraceReader.RowException {
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new TraceReader.RowException(field + " = " + p.getText() + ": not a number");
        }
        return p.getDoubleValue();
    }

    private static long integer(String field, JsonParser p, JsonToken v) throws IOException, TraceReader.RowException {
        if (v != JsonToken.VALUE_NUMBER_INT) {
            throw new TraceReader.RowException(field + " = " + p.getText() + ": not an integer");
        }
        long value = p.getLongValue();
        return value < 0 ? 0 : value;
    }

    private static long[] hashIds(JsonParser p, JsonToken v) throws IOException, TraceReader.RowException {
        if (v != JsonToken.START_ARRAY) {
            throw new TraceReader.RowException("hash_ids = " + p.getText() + ": not an array of integers");
        }
        long[] out = new long[16];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw new TraceReader.RowException("hash_ids[" + n + "] = " + p.getText() + ": not an integer");
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = p.getLongValue();
        }
        return Arrays.copyOf(out, n);
    }
}
