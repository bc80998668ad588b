package io.fleetplan.common.config;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What kind of YAML value a config field takes. The loader's error messages and the generated reference both
 * speak about field types in these terms, so they classify Java types in one place and only differ in wording.
 */
enum ValueKind {
    INTEGER,
    NUMBER,
    BOOLEAN,
    STRING,
    ENUM,
    LIST,
    MAP,
    MAPPING,
    OTHER;

    static ValueKind of(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return INTEGER;
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return NUMBER;
        }
        if (type == Boolean.class || type == boolean.class) {
            return BOOLEAN;
        }
        if (type == String.class) {
            return STRING;
        }
        if (type.isEnum()) {
            return ENUM;
        }
        if (Collection.class.isAssignableFrom(type)) {
            return LIST;
        }
        if (Map.class.isAssignableFrom(type)) {
            return MAP;
        }
        if (type.isRecord()) {
            return MAPPING;
        }
        return OTHER;
    }

    /** The constants of an enum type as a YAML file spells them. */
    static List<String> enumValues(Class<?> type) {
        return Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList();
    }
}
