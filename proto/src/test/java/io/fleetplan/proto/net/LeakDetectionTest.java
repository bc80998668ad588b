package io.fleetplan.proto.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LeakDetectionTest {

    private final ResourceLeakDetector.Level before = ResourceLeakDetector.getLevel();

    @AfterEach
    void restore() {
        System.clearProperty(LeakDetection.PROPERTY);
        ResourceLeakDetector.setLevel(before);
    }

    @Test
    void servingProcessesTurnTheDetectorOff() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);

        LeakDetection.offUnlessAsked();

        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.DISABLED);
    }

    @Test
    void aLevelTheUserAskedForStays() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        System.setProperty(LeakDetection.PROPERTY, "paranoid");

        LeakDetection.offUnlessAsked();

        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }
}
