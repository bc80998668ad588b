package io.fleetplan.mocker.profile;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.mocker.engine.ProfiledTimingModel;
import io.fleetplan.mocker.profile.NpyArrays.NdArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Loads the profile behind {@code planner_profile_data} into a {@link ProfiledTimingModel}. Accepted, by what the
 * path holds:
 * <ul>
 *   <li>Dynamo mocker's interpolation arrays, in an {@code .npz} or a JSON/YAML object with the same names:
 *       {@code prefill_isl}, {@code prefill_ttft_ms}, {@code decode_active_kv_tokens},
 *       {@code decode_context_length}, {@code decode_itl} (2-D, rows per active-KV value).</li>
 *   <li>Profiler raw data (Dynamo's {@code prefill_raw_data.json} / {@code decode_raw_data.json}, their
 *       {@code raw_data.npz} twins, or {@code fleetplan profile}'s {@code fleetplan_profile.json}):
 *       {@code prefill_isl} + {@code prefill_ttft}, and scattered decode points {@code x_kv_usage},
 *       {@code y_context_length}, {@code z_itl} with {@code max_kv_tokens}. The points are put on a grid
 *       (see {@link #gridFromPoints}).</li>
 *   <li>A directory holding any of those files (Dynamo's profiler output layout).</li>
 * </ul>
 * A file that is missing, unreadable or incomplete is an error naming the file and the array; unlike Dynamo, the
 * mocker does not fall back to the polynomial model silently.
 */
public final class ProfileTables {

    /** Rows of the active-KV axis built from scattered points. */
    static final int GRID_ROWS = 32;

    private ProfileTables() {}

    /** The timing model a profile path describes. */
    public static ProfiledTimingModel load(Path path) {
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        try {
            if (Files.isDirectory(path)) {
                List<Path> parts = directoryParts(path);
                if (parts.isEmpty()) {
                    throw new IllegalArgumentException(
                            "planner_profile_data " + path + ": the directory holds none of "
                                    + "fleetplan_profile.json, prefill_raw_data.json, decode_raw_data.json, "
                                    + "selected_prefill_interpolation/raw_data.npz, selected_decode_interpolation/raw_data.npz");
                }
                for (Path p : parts) {
                    arrays.putAll(read(p));
                }
            } else if (Files.isRegularFile(path)) {
                arrays.putAll(read(path));
            } else {
                throw new IllegalArgumentException("planner_profile_data " + path + ": no such file or directory");
            }
            return fromArrays(arrays);
        } catch (IOException e) {
            throw new IllegalArgumentException("planner_profile_data " + path + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("planner_profile_data")) {
                throw e;
            }
            throw new IllegalArgumentException("planner_profile_data " + path + ": " + e.getMessage(), e);
        }
    }

    /** Builds the model from named arrays in either layout (mocker grid, or profiler raw points). */
    static ProfiledTimingModel fromArrays(Map<String, NdArray> a) {
        double[] prefillIsl = vector(a, "prefill_isl");
        double[] prefillMs =
                a.containsKey("prefill_ttft_ms") ? vector(a, "prefill_ttft_ms") : vector(a, "prefill_ttft");
        if (a.containsKey("decode_itl")) {
            NdArray itl = a.get("decode_itl");
            double[] kv = vector(a, "decode_active_kv_tokens");
            double[] ctx = vector(a, "decode_context_length");
            if (itl.rank() != 2) {
                throw new IllegalArgumentException(
                        "decode_itl must be 2-D [decode_active_kv_tokens x decode_context_length], " + "has "
                                + itl.rank() + " dimensions");
            }
            double[][] grid = new double[itl.shape()[0]][itl.shape()[1]];
            for (int i = 0; i < grid.length; i++) {
                System.arraycopy(itl.values(), i * grid[i].length, grid[i], 0, grid[i].length);
            }
            return new ProfiledTimingModel(prefillIsl, prefillMs, kv, ctx, grid);
        }
        if (a.containsKey("z_itl")) {
            double maxKv = scalar(a, "max_kv_tokens");
            return gridFromPoints(
                    prefillIsl,
                    prefillMs,
                    vector(a, "x_kv_usage"),
                    vector(a, "y_context_length"),
                    vector(a, "z_itl"),
                    maxKv);
        }
        throw new IllegalArgumentException("no decode table: expected decode_itl (with decode_active_kv_tokens and "
                + "decode_context_length) or z_itl (with x_kv_usage, y_context_length and max_kv_tokens)");
    }

    /**
     * Scattered decode points to the mocker's grid: the columns are the distinct context lengths; the rows are
     * {@value #GRID_ROWS} active-KV values spread evenly over the points' range (fewer when fewer points); each
     * cell is the piecewise-linear interpolation, along active KV, of that column's own points (a column with
     * one point is flat). Prefill points are sorted by ISL; duplicates keep their mean.
     */
    static ProfiledTimingModel gridFromPoints(
            double[] prefillIsl,
            double[] prefillMs,
            double[] kvUsage,
            double[] context,
            double[] itl,
            double maxKvTokens) {
        if (kvUsage.length != context.length || kvUsage.length != itl.length || itl.length == 0) {
            throw new IllegalArgumentException("x_kv_usage, y_context_length and z_itl must be non-empty and of equal "
                    + "lengths (" + kvUsage.length + ", " + context.length + ", " + itl.length + ")");
        }
        if (!(maxKvTokens > 0)) {
            throw new IllegalArgumentException(
                    "max_kv_tokens must be > 0 to turn x_kv_usage into KV tokens, was " + maxKvTokens);
        }
        double[][] prefill = meanBy(prefillIsl, prefillMs, "prefill_isl", "prefill_ttft");
        TreeMap<Double, TreeMap<Double, double[]>> columns = new TreeMap<>();
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (int k = 0; k < itl.length; k++) {
            double kv = kvUsage[k] * maxKvTokens;
            lo = Math.min(lo, kv);
            hi = Math.max(hi, kv);
            double[] sumCount =
                    columns.computeIfAbsent(context[k], c -> new TreeMap<>()).computeIfAbsent(kv, x -> new double[2]);
            sumCount[0] += itl[k];
            sumCount[1]++;
        }
        int rows = hi > lo ? Math.min(GRID_ROWS, itl.length) : 1;
        double[] kvAxis = new double[rows];
        for (int i = 0; i < rows; i++) {
            kvAxis[i] = rows == 1 ? lo : lo + (hi - lo) * i / (rows - 1);
        }
        double[] ctxAxis = new double[columns.size()];
        double[][] grid = new double[rows][columns.size()];
        int j = 0;
        for (Map.Entry<Double, TreeMap<Double, double[]>> col : columns.entrySet()) {
            ctxAxis[j] = col.getKey();
            double[] xs = new double[col.getValue().size()];
            double[] ys = new double[xs.length];
            int n = 0;
            for (Map.Entry<Double, double[]> p : col.getValue().entrySet()) {
                xs[n] = p.getKey();
                ys[n++] = p.getValue()[0] / p.getValue()[1];
            }
            for (int i = 0; i < rows; i++) {
                grid[i][j] = piecewiseLinear(xs, ys, kvAxis[i]);
            }
            j++;
        }
        return new ProfiledTimingModel(prefill[0], prefill[1], kvAxis, ctxAxis, grid);
    }

    /** Interpolates sorted points; beyond the ends it extends the end segments. */
    private static double piecewiseLinear(double[] xs, double[] ys, double x) {
        if (xs.length == 1) {
            return ys[0];
        }
        int i = 0;
        while (i < xs.length - 2 && x > xs[i + 1]) {
            i++;
        }
        return ys[i] + (ys[i + 1] - ys[i]) * (x - xs[i]) / (xs[i + 1] - xs[i]);
    }

    private static double[][] meanBy(double[] xs, double[] ys, String xName, String yName) {
        if (xs.length != ys.length || xs.length == 0) {
            throw new IllegalArgumentException(xName + " and " + yName + " must be non-empty and of equal lengths ("
                    + xs.length + ", " + ys.length + ")");
        }
        TreeMap<Double, double[]> byX = new TreeMap<>();
        for (int i = 0; i < xs.length; i++) {
            double[] sc = byX.computeIfAbsent(xs[i], x -> new double[2]);
            sc[0] += ys[i];
            sc[1]++;
        }
        double[][] out = new double[2][byX.size()];
        int i = 0;
        for (Map.Entry<Double, double[]> e : byX.entrySet()) {
            out[0][i] = e.getKey();
            out[1][i++] = e.getValue()[0] / e.getValue()[1];
        }
        return out;
    }

    private static List<Path> directoryParts(Path dir) {
        List<Path> out = new ArrayList<>();
        Path own = dir.resolve("fleetplan_profile.json");
        if (Files.exists(own)) {
            out.add(own);
            return out;
        }
        for (String part : new String[] {"prefill", "decode"}) {
            for (Path p : new Path[] {
                dir.resolve(part + "_raw_data.json"),
                dir.resolve("selected_" + part + "_interpolation").resolve("raw_data.npz"),
                dir.resolve("selected_" + part + "_interpolation").resolve("raw_data.json")
            }) {
                if (Files.exists(p)) {
                    out.add(p);
                    break;
                }
            }
        }
        return out;
    }

    private static Map<String, NdArray> read(Path file) throws IOException {
        if (file.getFileName().toString().endsWith(".npz")) {
            return NpyArrays.readNpz(file);
        }
        JsonNode root = ConfigLoader.yamlMapper().readTree(Files.readString(file));
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + " must hold an object of named arrays");
        }
        Map<String, NdArray> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            NdArray a = numeric(e.getValue());
            if (a != null) {
                out.put(e.getKey(), a);
            }
        }
        return out;
    }

    /** A number, a list of numbers or a list of equal-length lists of numbers; null for anything else. */
    private static NdArray numeric(JsonNode n) {
        if (n.isNumber()) {
            return new NdArray(new double[] {n.asDouble()}, new int[0]);
        }
        if (!n.isArray()) {
            return null;
        }
        if (n.size() > 0 && n.get(0).isArray()) {
            int cols = n.get(0).size();
            double[] v = new double[n.size() * cols];
            for (int i = 0; i < n.size(); i++) {
                JsonNode row = n.get(i);
                if (!row.isArray() || row.size() != cols) {
                    throw new IllegalArgumentException(
                            "row " + i + " of a 2-D array has " + row.size() + " values, row 0 has " + cols);
                }
                for (int c = 0; c < cols; c++) {
                    v[i * cols + c] = number(row.get(c), i + "][" + c);
                }
            }
            return new NdArray(v, new int[] {n.size(), cols});
        }
        double[] v = new double[n.size()];
        for (int i = 0; i < v.length; i++) {
            if (!n.get(i).isNumber()) {
                return null; // e.g. a list of FPM objects in fleetplan_profile.json: not a table
            }
            v[i] = n.get(i).asDouble();
        }
        return new NdArray(v, new int[] {v.length});
    }

    private static double number(JsonNode n, String where) {
        if (!n.isNumber()) {
            throw new IllegalArgumentException("[" + where + "] must be a number, was " + n);
        }
        return n.asDouble();
    }

    private static double[] vector(Map<String, NdArray> a, String name) {
        NdArray v = a.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing array " + name + " (present: " + a.keySet() + ")");
        }
        if (v.rank() > 1) {
            throw new IllegalArgumentException(name + " must be 1-D, has " + v.rank() + " dimensions");
        }
        return v.values();
    }

    private static double scalar(Map<String, NdArray> a, String name) {
        double[] v = a.containsKey(name) ? a.get(name).values() : new double[0];
        if (v.length == 0) {
            throw new IllegalArgumentException("missing " + name + " (present: " + a.keySet() + ")");
        }
        return v[0];
    }
}
