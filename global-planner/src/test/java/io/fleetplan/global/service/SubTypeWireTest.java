package io.fleetplan.global.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.pool.SubType;
import io.fleetplan.proto.v1.SubComponentType;
import org.junit.jupiter.api.Test;

/** The wire mappers convert sub-component types by number: the numbers must be the proto enum's. */
class SubTypeWireTest {

    @Test
    void everySubTypeIsTheWireValueOfItsNumberAndBack() {
        for (SubType t : SubType.values()) {
            SubComponentType wire = ProtoMapping.wire(t);
            assertThat(wire.name()).isEqualTo("SUB_COMPONENT_TYPE_" + t.name());
            assertThat(SubType.ofWireNumber(wire.getNumber())).isEqualTo(t);
        }
    }

    @Test
    void everyNamedWireValueHasASubTypeAndUnspecifiedHasNone() {
        for (SubComponentType wire : SubComponentType.values()) {
            if (wire == SubComponentType.UNRECOGNIZED) {
                continue;
            }
            if (wire == SubComponentType.SUB_COMPONENT_TYPE_UNSPECIFIED) {
                assertThat(SubType.ofWireNumber(wire.getNumber())).isNull();
            } else {
                assertThat(SubType.ofWireNumber(wire.getNumber())).isNotNull();
            }
        }
        assertThat(SubType.ofWireNumber(99)).as("a number a newer peer added").isNull();
    }
}
