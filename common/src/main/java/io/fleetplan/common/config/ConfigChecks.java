package io.fleetplan.common.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Collects problems while a config record validates itself, so one run reports all of them.
 * Call {@link #throwIfAny()} at the end of the record's compact constructor.
 */
public final class ConfigChecks {

    private final List<ConfigProblem> problems = new ArrayList<>();

    public ConfigChecks atLeast(String field, Number value, double min) {
        if (value != null && value.doubleValue() < min) {
            problem(field, value, "must be >= " + fmt(min));
        }
        return this;
    }

    public ConfigChecks greaterThan(String field, Number value, double min) {
        if (value != null && !(value.doubleValue() > min)) {
            problem(field, value, "must be > " + fmt(min));
        }
        return this;
    }

    public ConfigChecks between(String field, Number value, double min, double max) {
        if (value != null
                && (value.doubleValue() < min || value.doubleValue() > max || Double.isNaN(value.doubleValue()))) {
            problem(field, value, "must be between " + fmt(min) + " and " + fmt(max));
        }
        return this;
    }

    public ConfigChecks oneOf(String field, String value, Collection<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            String hint = DidYouMean.suggest(value, allowed)
                    .map(s -> " (did you mean '" + s + "'?)")
                    .orElse("");
            problem(field, value, "must be one of: " + String.join(", ", allowed) + hint);
        }
        return this;
    }

    public ConfigChecks notBlank(String field, String value) {
        if (value == null || value.isBlank()) {
            problem(field, value, "is required and must not be empty");
        }
        return this;
    }

    /** A cross-field or custom rule: adds the problem when {@code ok} is false. */
    public ConfigChecks check(boolean ok, String field, Object value, String allowed) {
        if (!ok) {
            problem(field, value, allowed);
        }
        return this;
    }

    public ConfigChecks problem(String field, Object value, String allowed) {
        problems.add(ConfigProblem.of(field, value, allowed));
        return this;
    }

    /** Adds the problems of a nested record, prefixing their field paths. */
    public ConfigChecks nested(String prefix, ConfigException e) {
        for (ConfigProblem p : e.problems()) {
            problems.add(new ConfigProblem(p.source(), p.line(), prefix + "." + p.field(), p.value(), p.allowed()));
        }
        return this;
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
