package io.fleetplan.common.config;

import java.util.List;

/**
 * A configuration that cannot be used, with every problem found. Each problem names the field (a dotted
 * path such as {@code pools[1].max_replicas}), the value given and what is allowed.
 */
public final class ConfigException extends RuntimeException {

    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(ConfigProblem problem) {
        this(List.of(problem));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    /** The same problems, with {@code source} (a file name) and a location prefix added where missing. */
    public ConfigException withSource(String source) {
        return new ConfigException(
                problems.stream().map(p -> p.withSource(source)).toList());
    }

    private static String render(List<ConfigProblem> problems) {
        if (problems.size() == 1) {
            return problems.get(0).toString();
        }
        StringBuilder sb = new StringBuilder(problems.size() + " problems:");
        for (ConfigProblem p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }
}
