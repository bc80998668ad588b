package io.fleetplan.pool.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class QueueSizingTest {

    @Test
    void erlangBMatchesTheTextbookValue() {
        // offered load 2 on 3 servers: B = (8/6) / (1 + 2 + 2 + 8/6) = 0.2105
        assertThat(QueueSizing.erlangB(3, 2)).isCloseTo(0.2105, within(1e-4));
    }

    @Test
    void fewestEnginesWithAtMostTheLateShareWaitingPastTheWaitingRoom() {
        // lambda 2, mu 1, 1 s of waiting room: 3 engines leave C(3,2) x e^-1 = 0.444 x 0.368 = 16 % late, 4 leave
        // C(4,2) x e^-2 = 0.174 x 0.135 = 2.4 %
        assertThat(QueueSizing.engines(2, 1, 1, 0.05)).isEqualTo(4);
        // with 3 s of waiting room 3 engines leave 0.444 x e^-3 = 2.2 %
        assertThat(QueueSizing.engines(2, 1, 3, 0.05)).isEqualTo(3);
    }

    @Test
    void aShorterWaitingRoomNeedsMoreEnginesForTheSameLoad() {
        int longPrompts = QueueSizing.engines(2, 2.5, 0.1, 0.01);
        int shortPrompts = QueueSizing.engines(2, 2.5, 0.4, 0.01);
        assertThat(longPrompts).isGreaterThan(shortPrompts);
        assertThat(shortPrompts).isGreaterThanOrEqualTo(1);
    }

    @Test
    void relativeHeadroomShrinksAsThePoolGrows() {
        // the same 1 % target at 10x the load needs far less than 10x the engines above the offered load
        int small = QueueSizing.engines(2, 1, 0.5, 0.01);
        int large = QueueSizing.engines(20, 1, 0.5, 0.01);
        assertThat(small - 2).isGreaterThan(0);
        assertThat((double) (large - 20) / 20).isLessThan((double) (small - 2) / 2);
    }

    @Test
    void noTrafficOrNoWaitingRoomCannotBeSized() {
        assertThat(QueueSizing.engines(0, 1, 1, 0.01)).isZero();
        assertThat(QueueSizing.engines(2, 1, 0, 0.01)).isZero();
        assertThat(QueueSizing.engines(2, 1, -0.1, 0.01)).isZero();
        assertThat(QueueSizing.engines(2, Double.NaN, 1, 0.01)).isZero();
        assertThat(QueueSizing.engines(2, 1, 1, 0)).isZero();
    }
}
