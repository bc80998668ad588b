package io.fleetplan.common.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyName;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders the reference of every config kind (field, type, default, aliases, description) as Markdown, straight
 * from the records, so the documentation cannot drift from the code.
 */
public final class ConfigReference {

    private ConfigReference() {}

    public static String markdown(List<ConfigKind> kinds) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Config reference\n\n");
        sb.append(
                "Generated from the config records by `./fleetplan config reference` (a test keeps this file in sync).\n");
        sb.append(
                "Every file is YAML or JSON with snake_case field names; unknown fields are errors. Validate a file with\n");
        sb.append("`./fleetplan config validate FILE`.\n");
        for (ConfigKind kind : kinds) {
            sb.append("\n## `")
                    .append(kind.name())
                    .append("` (")
                    .append(kind.recordType().getSimpleName())
                    .append(")\n\n");
            JsonNode example = example(kind);
            JsonNode defaults = defaults(kind);
            table(sb, kind.recordType(), defaults, example, "");
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, Class<?> type, JsonNode defaults, JsonNode example, String prefix) {
        ObjectMapper mapper = ConfigLoader.yamlMapper();
        if (prefix.isEmpty()) {
            sb.append("| field | type | default | notes |\n|---|---|---|---|\n");
        }
        BeanDescription desc = mapper.getDeserializationConfig().introspect(mapper.constructType(type));
        List<Class<?>> nested = new ArrayList<>();
        List<String> nestedNames = new ArrayList<>();
        for (BeanPropertyDefinition prop : desc.findProperties()) {
            String name = prefix + prop.getName();
            JavaType t = prop.getPrimaryType();
            JsonNode def = defaults == null ? null : defaults.get(prop.getName());
            String aliases = prop.findAliases().stream()
                    .map(PropertyName::getSimpleName)
                    .map(a -> "`" + a + "`")
                    .collect(Collectors.joining(", "));
            ConfigDoc annotation = annotation(type, prop.getInternalName());
            String doc = annotation == null ? "" : annotation.value();
            String shown = annotation != null && !annotation.shownDefault().isEmpty()
                    ? annotation.shownDefault()
                    : example != null && example.has(prop.getName()) ? "required" : renderDefault(def);
            String notes =
                    doc + (aliases.isEmpty() ? "" : (doc.isEmpty() ? "" : " ") + "Also read as " + aliases + ".");
            sb.append("| `")
                    .append(name)
                    .append("` | ")
                    .append(typeName(t))
                    .append(" | ")
                    .append(shown)
                    .append(" | ")
                    .append(notes.replace("|", "\\|"))
                    .append(" |\n");
            Class<?> raw = t.getRawClass();
            if (raw.isRecord()) {
                nested.add(raw);
                nestedNames.add(name);
            } else if ((t.isCollectionLikeType() || t.isMapLikeType())
                    && t.getContentType() != null
                    && t.getContentType().getRawClass().isRecord()) {
                nested.add(t.getContentType().getRawClass());
                nestedNames.add(name + (t.isMapLikeType() ? ".<key>" : "[]"));
            }
        }
        for (int i = 0; i < nested.size(); i++) {
            String pointer = "/" + nestedNames.get(i).substring(prefix.length()).replace(".", "/");
            JsonNode d = defaults == null ? null : defaults.at(pointer);
            JsonNode e = example == null ? null : example.at(pointer);
            table(
                    sb,
                    nested.get(i),
                    d == null || d.isMissingNode() || !d.isObject() ? itemDefaults(nested.get(i)) : d,
                    e == null || !e.isObject() ? null : e,
                    nestedNames.get(i) + ".");
        }
    }

    private static ConfigDoc annotation(Class<?> type, String component) {
        if (!type.isRecord()) {
            return null;
        }
        for (RecordComponent rc : type.getRecordComponents()) {
            if (rc.getName().equals(component)) {
                return rc.getAnnotation(ConfigDoc.class);
            }
        }
        return null;
    }

    private static JsonNode example(ConfigKind kind) {
        try {
            return ConfigLoader.yamlMapper().readTree(kind.referenceExample());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reference example of config kind " + kind.name() + " is not YAML", e);
        }
    }

    /** A list item or map value has no defaults in its parent's: those of an empty item, when that is valid. */
    private static JsonNode itemDefaults(Class<?> type) {
        try {
            return ConfigLoader.yamlMapper().valueToTree(ConfigLoader.parse("{}", "defaults", type));
        } catch (ConfigException e) {
            return null;
        }
    }

    private static JsonNode defaults(ConfigKind kind) {
        try {
            Object value = ConfigLoader.parse(kind.referenceExample(), "defaults", kind.recordType());
            return ConfigLoader.yamlMapper().valueToTree(value);
        } catch (ConfigException e) {
            throw new IllegalStateException(
                    "reference example of config kind " + kind.name() + " is invalid: " + e.getMessage(), e);
        }
    }

    private static String renderDefault(JsonNode def) {
        if (def == null || def.isMissingNode()) {
            return "";
        }
        if (def.isNull()) {
            return "null";
        }
        if (def.isContainerNode() && def.isEmpty()) {
            return def.isArray() ? "`[]`" : "`{}`";
        }
        if (def.isContainerNode()) {
            return def.isArray() ? "`" + def + "`" : "see below";
        }
        return "`" + def.asText() + "`";
    }

    private static String typeName(JavaType t) {
        Class<?> raw = t.getRawClass();
        if (raw == Optional.class) {
            return typeName(t.getContentType()) + " or null";
        }
        return switch (ValueKind.of(raw)) {
            case INTEGER -> "integer";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case STRING -> "string";
            case ENUM -> "one of " + String.join("/", ValueKind.enumValues(raw));
            case LIST -> "list of " + typeName(t.getContentType());
            case MAP -> "map of " + typeName(t.getContentType());
            case MAPPING -> "mapping";
            case OTHER -> t.isCollectionLikeType() ? "list of " + typeName(t.getContentType()) : raw.getSimpleName();
        };
    }
}
