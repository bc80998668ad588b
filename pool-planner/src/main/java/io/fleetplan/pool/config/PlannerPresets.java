package io.fleetplan.pool.config;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetplan.common.config.ConfigException;
import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.config.ConfigProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Named planner configurations a config selects with {@code preset}: the preset's values sit under the config's
 * own fields (a field the config sets, under its name or one of Dynamo's aliases, wins). {@code fleetplan} is the
 * recommended configuration that {@code fleetplan up}, the Helm chart, a bare {@code fleetplan pool-planner} and
 * replay's {@code fleetplan} policy run; {@code none} (or no {@code preset}) keeps Dynamo's defaults, so a Dynamo
 * file means what it means in Dynamo.
 */
public final class PlannerPresets {

    public static final String FLEETPLAN = "fleetplan";
    public static final String NONE = "none";
    public static final List<String> NAMES = List.of(FLEETPLAN, NONE);

    /** Field name (and each alias) -> the canonical snake_case field name. */
    private static final Map<String, String> CANONICAL = canonicalNames();

    private PlannerPresets() {}

    /** A config of just {@code preset: fleetplan} plus {@code fields} (field names as in a file). */
    public static PlannerConfig recommended(Map<String, ?> fields) {
        ObjectNode node = ConfigLoader.yamlMapper().createObjectNode();
        node.put("preset", FLEETPLAN);
        node.setAll((ObjectNode) ConfigLoader.yamlMapper().valueToTree(fields));
        return convert(node, "preset fleetplan");
    }

    /** Resolves {@code node}'s preset (if any) and builds the config. */
    public static PlannerConfig convert(JsonNode node, String source) {
        return ConfigLoader.convert(resolve(node, source), source, PlannerConfig.class);
    }

    /** {@code node} with its preset's values added under its own fields; unchanged without a preset. */
    public static JsonNode resolve(JsonNode node, String source) {
        if (node == null
                || !node.isObject()
                || !node.has("preset")
                || node.get("preset").isNull()) {
            return node;
        }
        JsonNode name = node.get("preset");
        if (!name.isTextual() || !NAMES.contains(name.asText())) {
            throw new ConfigException(new ConfigProblem(source, 0, "preset", name.toString(), "one of " + NAMES))
                    .withSource(source);
        }
        if (name.asText().equals(NONE)) {
            return node;
        }
        JsonNode preset = load(name.asText());
        String mode = node.path("mode").asText("disagg");
        ObjectNode defaults = ConfigLoader.yamlMapper().createObjectNode();
        defaults.setAll((ObjectNode) preset.path("all"));
        if (preset.path(mode).isObject()) {
            defaults.setAll((ObjectNode) preset.path(mode));
        }
        ObjectNode out = ((ObjectNode) node).deepCopy();
        putUnder(out, defaults);
        return out;
    }

    private static void putUnder(ObjectNode config, JsonNode defaults) {
        for (Iterator<Map.Entry<String, JsonNode>> it = defaults.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = CANONICAL.getOrDefault(e.getKey(), e.getKey());
            if (!setByConfig(config, field)) {
                config.set(field, e.getValue());
            }
        }
    }

    private static boolean setByConfig(ObjectNode config, String canonical) {
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            if (canonical.equals(CANONICAL.get(it.next()))) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode load(String name) {
        String resource = "presets/" + name + ".yaml";
        try (InputStream in = PlannerPresets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return ConfigLoader.yamlMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> canonicalNames() {
        Map<String, String> m = new HashMap<>();
        PropertyNamingStrategies.SnakeCaseStrategy snake = new PropertyNamingStrategies.SnakeCaseStrategy();
        for (RecordComponent c : PlannerConfig.class.getRecordComponents()) {
            JsonProperty explicit = annotation(c, JsonProperty.class);
            String name =
                    explicit != null && !explicit.value().isEmpty() ? explicit.value() : snake.translate(c.getName());
            m.put(name, name);
            JsonAlias alias = annotation(c, JsonAlias.class);
            if (alias != null) {
                for (String a : alias.value()) {
                    m.put(a, name);
                }
            }
        }
        return Map.copyOf(m);
    }

    /** Jackson's annotations do not target record components; they reach the accessor and the field. */
    private static <A extends Annotation> A annotation(RecordComponent c, Class<A> type) {
        A a = c.getAccessor().getAnnotation(type);
        if (a != null) {
            return a;
        }
        try {
            return c.getDeclaringRecord().getDeclaredField(c.getName()).getAnnotation(type);
        } catch (NoSuchFieldException e) {
            return null;
        }
    }
}
