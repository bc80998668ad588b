package io.fleetplan.common.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;
import java.util.Optional;

/**
 * For fields where Dynamo gives an explicit {@code null} a meaning of its own (e.g.
 * {@code report_interval_hours: null} disables reports) while an absent field takes the default:
 * absent = Java {@code null} (the record applies its default), {@code null} = {@link Optional#empty()},
 * a number = {@code Optional.of(number)}. Use with {@code @JsonDeserialize(using = NullableField.OfDouble.class)}.
 */
public final class NullableField {

    private NullableField() {}

    public static final class OfDouble extends JsonDeserializer<Optional<Double>> {
        @Override
        public Optional<Double> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return Optional.of(ctxt.readValue(p, Double.class));
        }

        @Override
        public Optional<Double> getNullValue(DeserializationContext ctxt) {
            return Optional.empty();
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null;
        }
    }
}
