package io.fleetplan.router.global;

import io.fleetplan.common.config.ConfigChecks;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A 2-D lookup table as Dynamo's GlobalRouter uses them: each axis is cut into its resolution's count of equal
 * cells between min and max; values outside clamp to the edge cells; {@code mapping[x][y]} is a pool index.
 */
record Grid(
        String name,
        String xName,
        double xMin,
        double xMax,
        int xResolution,
        String yName,
        double yMin,
        double yMax,
        int yResolution,
        List<List<Integer>> mapping,
        List<PriorityOverride> overrides) {

    /** Collects the grid's problems into {@code c}, naming fields as they appear in the file. */
    static void validate(
            ConfigChecks c,
            String name,
            String xName,
            Double xMin,
            Double xMax,
            Integer xRes,
            String yName,
            Double yMin,
            Double yMax,
            Integer yRes,
            String mappingName,
            List<List<Integer>> mapping) {
        c.check(xMin != null, xName + "_min", null, "is required");
        c.check(xMax != null, xName + "_max", null, "is required");
        c.check(yMin != null, yName + "_min", null, "is required");
        c.check(yMax != null, yName + "_max", null, "is required");
        c.check(xRes != null, xName + "_resolution", null, "is required");
        c.check(yRes != null, yName + "_resolution", null, "is required");
        c.atLeast(xName + "_resolution", xRes, 1);
        c.atLeast(yName + "_resolution", yRes, 1);
        if (xMin != null && xMax != null) {
            c.check(xMax > xMin, xName + "_max", xMax, "must be > " + xName + "_min (" + xMin + ")");
        }
        if (yMin != null && yMax != null) {
            c.check(yMax > yMin, yName + "_max", yMax, "must be > " + yName + "_min (" + yMin + ")");
        }
        if (mapping == null) {
            c.problem(
                    mappingName,
                    null,
                    "is required: " + xName + "_resolution rows of " + yName + "_resolution pool indexes");
            return;
        }
        if (xRes != null && mapping.size() != xRes) {
            c.problem(mappingName, mapping.size() + " rows", "must have " + xName + "_resolution = " + xRes + " rows");
        }
        for (int i = 0; i < mapping.size(); i++) {
            List<Integer> row = mapping.get(i);
            if (row == null || (yRes != null && row.size() != yRes)) {
                c.problem(
                        mappingName + "[" + i + "]",
                        row == null ? null : row.size() + " entries",
                        "must have " + yName + "_resolution = " + yRes + " entries");
            } else {
                for (int j = 0; j < row.size(); j++) {
                    c.check(
                            row.get(j) != null && row.get(j) >= 0,
                            mappingName + "[" + i + "][" + j + "]",
                            row.get(j),
                            "must be a pool index >= 0");
                }
            }
        }
    }

    /** The grid cell's pool index for (x, y). */
    int lookup(double x, double y) {
        return mapping.get(cell(x, xMin, xMax, xResolution)).get(cell(y, yMin, yMax, yResolution));
    }

    static int cell(double v, double min, double max, int resolution) {
        double step = (max - min) / resolution;
        int idx = (int) Math.floor((v - min) / step);
        return Math.max(0, Math.min(resolution - 1, idx));
    }

    /** Middle of an axis: the default target when neither the request nor the config names one. */
    double yMiddle() {
        return (yMin + yMax) / 2;
    }

    double xMiddle() {
        return (xMin + xMax) / 2;
    }

    /** Pool index of the first override matching {@code priority}, or -1. */
    int override(@Nullable Integer priority) {
        if (priority == null || overrides == null) {
            return -1;
        }
        for (PriorityOverride o : overrides) {
            if (o.matches(priority)) {
                return o.targetPool();
            }
        }
        return -1;
    }

    int maxPoolIndex() {
        int max = -1;
        for (List<Integer> row : mapping) {
            for (Integer v : row) {
                max = Math.max(max, v);
            }
        }
        if (overrides != null) {
            for (PriorityOverride o : overrides) {
                max = Math.max(max, o.targetPool());
            }
        }
        return max;
    }
}
