package io.fleetplan.common.config;

/**
 * One thing wrong with a configuration.
 *
 * @param source  file or other origin, may be null
 * @param line    1-based line in the source, 0 when unknown
 * @param field   dotted path of the field, e.g. {@code kalman_q_level}
 * @param value   the offending value as written, may be null when the field is missing
 * @param allowed what would be accepted, e.g. {@code "one of: constant, arima, kalman, prophet"}
 */
public record ConfigProblem(String source, int line, String field, String value, String allowed) {

    public static ConfigProblem of(String field, Object value, String allowed) {
        return new ConfigProblem(null, 0, field, value == null ? null : String.valueOf(value), allowed);
    }

    ConfigProblem withSource(String newSource) {
        return source != null ? this : new ConfigProblem(newSource, line, field, value, allowed);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (source != null) {
            sb.append(source);
            if (line > 0) {
                sb.append(':').append(line);
            }
            sb.append(": ");
        }
        sb.append("field '").append(field).append('\'');
        if (value != null) {
            sb.append(": value '").append(value).append('\'');
        }
        sb.append(": ").append(allowed);
        return sb.toString();
    }
}
