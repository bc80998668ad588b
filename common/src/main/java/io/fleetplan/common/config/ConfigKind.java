package io.fleetplan.common.config;

import java.nio.file.Path;
import java.util.Set;

/**
 * A kind of config file fleetplan understands (pool planner, GlobalPlanner, stack...), contributed by the
 * module that owns the record, listed in {@code META-INF/services/io.fleetplan.common.config.ConfigKind}.
 * {@code fleetplan config validate} uses these to check any file without knowing the modules.
 */
public interface ConfigKind {

    /** Short name used on the command line, e.g. {@code planner}, {@code global-planner}, {@code stack}. */
    String name();

    /** The record the file is read into. */
    Class<?> recordType();

    /**
     * How sure this kind is that a file with these top-level keys is its own: 0 = not at all. The kind with
     * the highest score validates a file when the user does not say which kind it is.
     */
    int score(Set<String> topLevelKeys);

    /**
     * The smallest valid file of this kind (YAML), from which the reference's default column is read: a field it
     * sets is shown as required. {@code {}} for kinds whose every field has a default.
     */
    default String referenceExample() {
        return "{}";
    }

    /** Loads and validates; throws {@link ConfigException}. */
    default Object load(Path file) {
        return ConfigLoader.load(file, recordType());
    }

    /** One line for a good file, e.g. "planner config OK: mode=disagg, ttft_ms=500.0, ...". */
    String summary(Object config);
}
