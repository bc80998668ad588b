package io.fleetplan.mocker.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmissionBatchTest {

    private static final class Collect implements EmissionBatch.Sink {
        final List<Long> errors = new ArrayList<>();
        final List<Long> spacings = new ArrayList<>();
        final List<Long> firsts = new ArrayList<>();

        @Override
        public void error(long lateNanos) {
            errors.add(lateNanos);
        }

        @Override
        public void spacing(long nanosPerToken) {
            spacings.add(nanosPerToken);
        }

        @Override
        public void firstError(long lateNanos) {
            firsts.add(lateNanos);
        }
    }

    @Test
    void errorsAreSendMinusModelInRecordingOrder() {
        EmissionBatch b = new EmissionBatch();
        b.record(1_000, 1_500);
        b.record(1_000, 900); // sent before its modelled time: negative, kept as is
        b.record(2_000, 2_000);
        Collect c = new Collect();
        b.drain(c);
        assertThat(c.errors).containsExactly(500L, -100L, 0L);
        assertThat(b.pending()).isZero();
    }

    @Test
    void spacingIsTheMeanGapBetweenSendsOfOneModelledInstant() {
        EmissionBatch b = new EmissionBatch();
        // iteration ending at 10_000: four tokens sent 100, 250, 400, 700 ns late -> (700 - 100) / 3 = 200
        b.record(10_000, 10_100);
        b.record(10_000, 10_250);
        b.record(10_000, 10_400);
        b.record(10_000, 10_700);
        // next iteration: one token only, no spacing
        b.record(20_000, 20_050);
        // third: two tokens 30 ns apart
        b.record(30_000, 30_010);
        b.record(30_000, 30_040);
        Collect c = new Collect();
        b.drain(c);
        assertThat(c.spacings).containsExactly(200L, 30L);
        assertThat(c.firsts).containsExactly(100L, 50L, 10L);
        assertThat(c.errors).hasSize(7);
    }

    @Test
    void aDrainClosesTheGroupSoTheNextIterationStartsAfresh() {
        EmissionBatch b = new EmissionBatch();
        b.record(5_000, 5_100);
        b.record(5_000, 5_300);
        Collect first = new Collect();
        b.drain(first);
        assertThat(first.spacings).containsExactly(200L);
        // same modelled time after a drain (e.g. a handoff token at an iteration's end): a new group
        b.record(5_000, 9_000);
        Collect second = new Collect();
        b.drain(second);
        assertThat(second.spacings).isEmpty();
        assertThat(second.firsts).containsExactly(4_000L);
        assertThat(second.errors).containsExactly(4_000L);
    }

    @Test
    void growsPastItsInitialCapacityAndKeepsEveryError() {
        EmissionBatch b = new EmissionBatch();
        for (int i = 0; i < 2_000; i++) {
            b.record(1_000_000, 1_000_000 + i);
        }
        Collect c = new Collect();
        b.drain(c);
        assertThat(c.errors).hasSize(2_000);
        assertThat(c.errors.get(1_999)).isEqualTo(1_999L);
        assertThat(c.spacings).containsExactly(1L);
    }

    @Test
    void manySmallGroupsBetweenDrainsKeepABoundedNumberOfSpacings() {
        EmissionBatch b = new EmissionBatch();
        for (int g = 0; g < 100; g++) {
            b.record(g * 1_000L, g * 1_000L + 10);
            b.record(g * 1_000L, g * 1_000L + 20);
        }
        Collect c = new Collect();
        b.drain(c);
        assertThat(c.errors).hasSize(200);
        assertThat(c.spacings).hasSizeLessThanOrEqualTo(100).allMatch(v -> v == 10L);
    }
}
