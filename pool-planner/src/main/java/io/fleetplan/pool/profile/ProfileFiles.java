package io.fleetplan.pool.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetplan.pool.perf.Fpm;
import io.fleetplan.pool.perf.ProfileData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes profile files. A profile is one JSON object with Dynamo's raw-data array names (see
 * {@link ProfileData}) plus an optional {@code fpm} list; a directory may instead hold Dynamo's
 * {@code prefill_raw_data.json} and {@code decode_raw_data.json} (also under
 * {@code selected_*_interpolation/}). NumPy {@code .npz} files are not read.
 */
public final class ProfileFiles {

    public static final String FILE_NAME = "fleetplan_profile.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ProfileFiles() {}

    public static ProfileData load(Path path) {
        try {
            if (Files.isDirectory(path)) {
                Path own = path.resolve(FILE_NAME);
                if (Files.exists(own)) {
                    return parse(JSON.readTree(own.toFile()), own.toString());
                }
                ObjectNode merged = JSON.createObjectNode();
                for (String part : new String[] {"prefill", "decode"}) {
                    Path p = first(
                            path.resolve(part + "_raw_data.json"),
                            path.resolve("selected_" + part + "_interpolation").resolve("raw_data.json"));
                    if (p != null) {
                        merged.setAll((ObjectNode) JSON.readTree(p.toFile()));
                    }
                }
                if (merged.isEmpty()) {
                    throw new IllegalArgumentException("profile_results_dir " + path + ": no " + FILE_NAME
                            + ", prefill_raw_data.json or decode_raw_data.json found");
                }
                return parse(merged, path.toString());
            }
            return parse(JSON.readTree(path.toFile()), path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("profile " + path + ": " + e.getMessage(), e);
        }
    }

    private static Path first(Path... candidates) {
        for (Path p : candidates) {
            if (Files.exists(p)) {
                return p;
            }
        }
        return null;
    }

    static ProfileData parse(JsonNode n, String source) {
        try {
            JsonNode kv = n.path("max_kv_tokens");
            long maxKv = kv.isArray() ? kv.path(0).asLong(0) : kv.asLong(0);
            List<Fpm> fpm = new ArrayList<>();
            for (JsonNode f : n.path("fpm")) {
                fpm.add(new Fpm(
                        f.path("worker_id").asText(""),
                        f.path("dp_rank").asInt(0),
                        f.path("wall_time").asDouble(),
                        f.path("num_prefill_requests").asInt(),
                        f.path("sum_prefill_tokens").asLong(),
                        f.path("num_decode_requests").asInt(),
                        f.path("sum_decode_kv_tokens").asLong(),
                        f.path("queued_prefill_requests").asInt(),
                        f.path("queued_prefill_tokens").asLong(),
                        f.path("queued_decode_requests").asInt(),
                        f.path("queued_decode_kv_tokens").asLong()));
            }
            return new ProfileData(
                    array(n, "prefill_isl"),
                    array(n, "prefill_ttft"),
                    array(n, "prefill_thpt_per_gpu"),
                    array(n, "x_kv_usage"),
                    array(n, "y_context_length"),
                    array(n, "z_itl"),
                    array(n, "z_thpt_per_gpu"),
                    maxKv,
                    fpm);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("profile " + source + ": " + e.getMessage(), e);
        }
    }

    private static double[] array(JsonNode n, String field) {
        JsonNode a = n.path(field);
        if (a.isMissingNode() || a.isNull()) {
            return new double[0];
        }
        if (!a.isArray()) {
            throw new IllegalArgumentException(field + " must be an array of numbers");
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!a.get(i).isNumber()) {
                throw new IllegalArgumentException(field + "[" + i + "] must be a number, was " + a.get(i));
            }
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    public static void write(ProfileData d, Path file) {
        ObjectNode n = JSON.createObjectNode();
        put(n, "prefill_isl", d.prefillIsl());
        put(n, "prefill_ttft", d.prefillTtft());
        put(n, "prefill_thpt_per_gpu", d.prefillThptPerGpu());
        put(n, "x_kv_usage", d.xKvUsage());
        put(n, "y_context_length", d.yContextLength());
        put(n, "z_itl", d.zItl());
        put(n, "z_thpt_per_gpu", d.zThptPerGpu());
        n.put("max_kv_tokens", d.maxKvTokens());
        ArrayNode fpms = n.putArray("fpm");
        for (Fpm f : d.fpm()) {
            fpms.addObject()
                    .put("wall_time", f.wallTimeSeconds())
                    .put("num_prefill_requests", f.numPrefillRequests())
                    .put("sum_prefill_tokens", f.sumPrefillTokens())
                    .put("num_decode_requests", f.numDecodeRequests())
                    .put("sum_decode_kv_tokens", f.sumDecodeKvTokens());
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write profile " + file + ": " + e.getMessage(), e);
        }
    }

    private static void put(ObjectNode n, String field, double[] values) {
        ArrayNode a = n.putArray(field);
        for (double v : values) {
            a.add(v);
        }
    }
}
