package io.fleetplan.common.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fleetplan.common.io.BoundedFiles;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads config records from YAML or JSON with strict rules: unknown fields are errors (with a
 * "did you mean"), wrong types name the field and the expected type, and the record's own validation
 * problems come back with the file name attached. Config records use snake_case field names, as
 * Dynamo's PlannerConfig does.
 */
public final class ConfigLoader {

    private static final ObjectMapper YAML =
            configure(YAMLMapper.builder(new YAMLFactory()).build());
    private static final ObjectMapper JSON = configure(JsonMapper.builder().build());

    private ConfigLoader() {}

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                // record component maxTotalGpus <-> max_total_gpus, as in Dynamo's files
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .findAndRegisterModules();
    }

    /** The mapper used for YAML (also reads JSON); for writing examples and tests. */
    public static ObjectMapper yamlMapper() {
        return YAML;
    }

    /**
     * The largest config file read: Dynamo's planner configs and DGDRs are a few KiB, and SnakeYAML refuses a
     * document over 3 MB with a less helpful message.
     */
    public static final long MAX_FILE_BYTES = 2L << 20;

    /** Loads a file; {@code .json} is read as JSON, anything else as YAML (which also accepts JSON). */
    public static <T> T load(Path path, Class<T> type) {
        return parse(read(path), path.toString(), type);
    }

    /**
     * The text of a config file, at most {@link #MAX_FILE_BYTES}: a missing, non-regular (device, FIFO) or
     * oversized file is a {@link ConfigException} naming the file and the limit.
     */
    public static String read(Path path) {
        try {
            return BoundedFiles.readString(path, MAX_FILE_BYTES, "a config file");
        } catch (NoSuchFileException e) {
            throw new ConfigException(new ConfigProblem(path.toString(), 0, "(file)", null, "file not found"));
        } catch (BoundedFiles.RefusedInputException e) {
            throw new ConfigException(new ConfigProblem(path.toString(), 0, "(file)", null, e.reason()));
        } catch (IOException e) {
            throw new ConfigException(
                    new ConfigProblem(path.toString(), 0, "(file)", null, "cannot be read: " + e.getMessage()));
        }
    }

    /** Parses {@code text}; {@code sourceName} is used in error messages (ending in .json selects JSON). */
    public static <T> T parse(String text, String sourceName, Class<T> type) {
        ObjectMapper mapper = sourceName != null && sourceName.endsWith(".json") ? JSON : YAML;
        String body = text == null || text.isBlank() ? "{}" : text;
        List<ConfigProblem> unknown;
        try {
            // Jackson builds a record before it looks at unknown fields; scan first so both kinds of
            // problem are reported in one run
            unknown = UnknownFieldScan.scan(mapper, mapper.readTree(body), type, body);
        } catch (JsonProcessingException e) {
            throw translate(e, sourceName, body);
        }
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                value = mapper.readValue("{}", type);
            }
            if (!unknown.isEmpty()) {
                throw new ConfigException(unknown);
            }
            return value;
        } catch (JsonProcessingException e) {
            throw merge(unknown, translate(e, sourceName, body).problems()).withSource(sourceName);
        } catch (ConfigException e) {
            throw merge(unknown, e.problems()).withSource(sourceName);
        }
    }

    private static ConfigException merge(List<ConfigProblem> first, List<ConfigProblem> second) {
        List<ConfigProblem> all = new ArrayList<>(first);
        for (ConfigProblem p : second) {
            if (!all.contains(p)
                    && !(p.allowed().startsWith("unknown field")
                            && first.stream().anyMatch(u -> u.field().equals(p.field())))) {
                all.add(p);
            }
        }
        return new ConfigException(all);
    }

    /** Converts an already-parsed tree (e.g. one section of a larger file) into a config record. */
    public static <T> T convert(JsonNode node, String sourceName, Class<T> type) {
        try {
            return YAML.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw translate(e, sourceName, null);
        } catch (IllegalArgumentException e) {
            if (e.getCause() instanceof JsonProcessingException jpe) {
                throw translate(jpe, sourceName, null);
            }
            throw e;
        }
    }

    static ConfigException translate(JsonProcessingException e, String source, String text) {
        ConfigException nested = findConfigException(e);
        if (nested != null) {
            String prefix = e instanceof JsonMappingException jme ? parentPath(jme) : "";
            if (prefix.isEmpty()) {
                return nested.withSource(source);
            }
            ConfigChecks checks = new ConfigChecks();
            checks.nested(prefix, nested);
            try {
                checks.throwIfAny();
            } catch (ConfigException wrapped) {
                return wrapped.withSource(source);
            }
        }
        int line = lineOf(e.getLocation());
        if (e instanceof UnrecognizedPropertyException u) {
            Collection<String> known = u.getKnownPropertyIds().stream()
                    .map(String::valueOf)
                    .sorted()
                    .toList();
            String hint = DidYouMean.suggest(u.getPropertyName(), known)
                    .map(s -> "unknown field; did you mean '" + s + "'?")
                    .orElse("unknown field; known fields: " + String.join(", ", known));
            // the YAML parser reports the position after the value; the key's own line is what a user wants
            int keyLine = lineOfKey(text, u.getPropertyName());
            return new ConfigException(new ConfigProblem(source, keyLine > 0 ? keyLine : line, path(u), null, hint));
        }
        if (e instanceof InvalidFormatException f) {
            return new ConfigException(new ConfigProblem(
                    source, line, path(f), String.valueOf(f.getValue()), "must be " + describe(f.getTargetType())));
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            return new ConfigException(new ConfigProblem(
                    source,
                    line,
                    path(m),
                    null,
                    "must be " + describe(m.getTargetType()) + " (" + firstLine(m.getOriginalMessage()) + ")"));
        }
        return new ConfigException(new ConfigProblem(
                source, line, "(document)", null, "is not valid YAML/JSON: " + firstLine(e.getOriginalMessage())));
    }

    private static ConfigException findConfigException(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConfigException ce) {
                return ce;
            }
        }
        return null;
    }

    private static String path(JsonMappingException e) {
        return joinPath(e.getPath());
    }

    // the path of the record that failed its own validation (its fields are already named in the problems)
    private static String parentPath(JsonMappingException e) {
        return e.getPath().isEmpty() ? "" : joinPath(new ArrayList<>(e.getPath()));
    }

    private static String joinPath(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "(document)" : sb.toString();
    }

    static int lineOfKey(String text, String key) {
        if (text == null || key == null) {
            return 0;
        }
        Pattern p = Pattern.compile("^[\\s-]*\"?" + Pattern.quote(key) + "\"?\\s*:", Pattern.MULTILINE);
        Matcher m = p.matcher(text);
        if (!m.find()) {
            return 0;
        }
        int line = 1;
        for (int i = 0; i < m.start(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static int lineOf(JsonLocation location) {
        return location == null ? 0 : Math.max(0, location.getLineNr());
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a value of the right type";
        }
        return switch (ValueKind.of(type)) {
            case INTEGER -> "an integer";
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case STRING -> "a string";
            case ENUM -> "one of: " + String.join(", ", ValueKind.enumValues(type));
            case LIST -> "a list";
            case MAP, MAPPING -> "a mapping (object)";
            case OTHER -> "a " + type.getSimpleName();
        };
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
