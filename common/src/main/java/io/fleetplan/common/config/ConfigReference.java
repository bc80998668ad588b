package io.fleetplan.common.config;

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

    private ConfigReference() {
    }

    public static String markdown(List<ConfigKind> kinds) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Config reference\n\n");
        sb.append("Generated from the config records by `./fleetplan config reference` (a test keeps this file in sync).\n");
        sb.append("Every file is YAML or JSON with snake_case field names; unknown fields are errors. Validate a file with\n");
        sb.append("`./fleetplan config validate FILE`.\n");
        for (ConfigKind kind : kinds) {
            sb.append("\n## `").append(kind.name()).append("` (").append(kind.recordType().getSimpleName()).append(")\n\n");
            JsonNode defaults = defaults(kind.recordType());
            table(sb, kind.recordType(), defaults, "");
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, Class<?> type, JsonNode defaults, String prefix) {
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
            String aliases = prop.findAliases().stream().map(PropertyName::getSimpleName).map(a -> "`" + a + "`")
                    .collect(Collectors.joining(", "));
            String doc = doc(type, prop.getInternalName());
            String notes = doc + (aliases.isEmpty() ? "" : (doc.isEmpty() ? "" : " ") + "Also read as " + aliases + ".");
            sb.append("| `").append(name).append("` | ").append(typeName(t)).append(" | ")
                    .append(renderDefault(def)).append(" | ").append(notes.replace("|", "\\|")).append(" |\n");
            Class<?> raw = t.getRawClass();
            if (raw.isRecord()) {
                nested.add(raw);
                nestedNames.add(name);
            } else if ((t.isCollectionLikeType() || t.isMapLikeType()) && t.getContentType() != null
                    && t.getContentType().getRawClass().isRecord()) {
                nested.add(t.getContentType().getRawClass());
                nestedNames.add(name + (t.isMapLikeType() ? ".<key>" : "[]"));
            }
        }
        for (int i = 0; i < nested.size(); i++) {
            JsonNode d = defaults == null ? null : defaults.at("/" + nestedNames.get(i).substring(prefix.length()).replace(".", "/"));
            table(sb, nested.get(i), d == null || d.isMissingNode() || !d.isObject() ? null : d, nestedNames.get(i) + ".");
        }
    }

    private static String doc(Class<?> type, String component) {
        if (!type.isRecord()) {
            return "";
        }
        for (RecordComponent rc : type.getRecordComponents()) {
            if (rc.getName().equals(component)) {
                ConfigDoc d = rc.getAnnotation(ConfigDoc.class);
                return d == null ? "" : d.value();
            }
        }
        return "";
    }

    private static JsonNode defaults(Class<?> type) {
        try {
            Object value = ConfigLoader.parse("{}", "defaults", type);
            return ConfigLoader.yamlMapper().valueToTree(value);
        } catch (RuntimeException e) {
            // a kind with required fields has no all-defaults instance; its table shows no defaults
            return null;
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
