package io.fleetplan.proto.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.netty.shaded.io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeakDetectionTest {

    private final ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();

    @AfterEach
    void restore() {
        System.clearProperty(LeakDetection.SHADED);
        System.clearProperty(LeakDetection.PLAIN);
        ResourceLeakDetector.setLevel(before);
    }

    @Test
    void servingProcessesTurnTheDetectorOff() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);

        LeakDetection.offUnlessAsked();

        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.DISABLED);
    }

    @Test
    void aLevelTheUserAskedForUnderEitherNameStays() {
        for (String property : new String[] {LeakDetection.SHADED, LeakDetection.PLAIN}) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
            System.setProperty(property, "paranoid");

            LeakDetection.offUnlessAsked();

            assertThat(ResourceLeakDetector.getLevel()).as(property).isEqualTo(ResourceLeakDetector.Level.PARANOID);
            System.clearProperty(property);
        }
    }
}
