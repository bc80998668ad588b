package io.fleetplan.common.config;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyName;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds fields in a YAML/JSON tree that the target record (or its nested records) does not have. */
final class UnknownFieldScan {

    private UnknownFieldScan() {}

    static List<ConfigProblem> scan(ObjectMapper mapper, JsonNode node, Class<?> type, String text) {
        List<ConfigProblem> problems = new ArrayList<>();
        walk(mapper, node, mapper.constructType(type), "", text, problems);
        return problems;
    }

    private static void walk(
            ObjectMapper mapper, JsonNode node, JavaType type, String path, String text, List<ConfigProblem> problems) {
        if (node == null || node.isNull() || type == null) {
            return;
        }
        Class<?> raw = type.getRawClass();
        if (raw == Optional.class || type.isReferenceType()) {
            walk(mapper, node, type.getContentType(), path, text, problems);
        } else if (type.isCollectionLikeType() || type.isArrayType()) {
            if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    walk(mapper, node.get(i), type.getContentType(), path + "[" + i + "]", text, problems);
                }
            }
        } else if (type.isMapLikeType()) {
            if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    walk(mapper, e.getValue(), type.getContentType(), join(path, e.getKey()), text, problems);
                }
            }
        } else if (raw.isRecord() && node.isObject()) {
            Map<String, JavaType> known = knownProperties(mapper, type);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JavaType fieldType = known.get(e.getKey());
                if (fieldType == null) {
                    List<String> names = known.keySet().stream().sorted().toList();
                    String hint = DidYouMean.suggest(e.getKey(), names)
                            .map(s -> "unknown field; did you mean '" + s + "'?")
                            .orElse("unknown field; known fields: " + String.join(", ", names));
                    problems.add(new ConfigProblem(
                            null, ConfigLoader.lineOfKey(text, e.getKey()), join(path, e.getKey()), null, hint));
                } else {
                    walk(mapper, e.getValue(), fieldType, join(path, e.getKey()), text, problems);
                }
            }
        }
    }

    private static Map<String, JavaType> knownProperties(ObjectMapper mapper, JavaType type) {
        BeanDescription desc = mapper.getDeserializationConfig().introspect(type);
        Map<String, JavaType> known = new HashMap<>();
        for (BeanPropertyDefinition prop : desc.findProperties()) {
            JavaType propType = prop.getPrimaryType();
            known.put(prop.getName(), propType);
            for (PropertyName alias : prop.findAliases()) {
                known.put(alias.getSimpleName(), propType);
            }
        }
        return known;
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
