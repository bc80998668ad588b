package io.fleetplan.mocker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolynomialTimingModelTest {

    // hand-computed: 4.209989e-7 T^2 + 0.01518344 T + 16.50142
    @ParameterizedTest
    @CsvSource({
        "1, 16.5166039",
        "512, 24.3857036",
        "1000, 32.1058589",
        "4096, 85.7559797",
        "8192, 169.1369184",
        "16384, 378.2779327"
    })
    void prefillMatchesHandComputedValues(long tokens, double expectedMs) {
        assertThat(PolynomialTimingModel.INSTANCE.prefillMs(1, tokens, 0)).isCloseTo(expectedMs, offset(1e-4));
    }

    @Test
    void prefillOfNothingIsFree() {
        assertThat(PolynomialTimingModel.prefillFormula(0)).isZero();
    }

    // hand-computed: max(1, -25.74 p^2 + 54.01 p + 5.74)
    @ParameterizedTest
    @CsvSource({"0, 5.74", "0.25, 17.63375", "0.5, 26.31", "0.75, 31.76875", "1.0, 34.01", "2.0, 34.01"})
    void decodeMatchesHandComputedValues(double p, double expectedMs) {
        assertThat(PolynomialTimingModel.decodeFormula(p)).isCloseTo(expectedMs, offset(1e-9));
    }

    @Test
    void decodeUsesKvUtilisationAndIgnoresBatchSize() {
        TimingModel m = PolynomialTimingModel.INSTANCE;
        assertThat(m.decodeMs(1, 500, 1000, 10))
                .isEqualTo(m.decodeMs(256, 500, 1000, 1_000_000))
                .isCloseTo(26.31, offset(1e-9));
    }

    @Test
    void transferTimeFromBandwidthAndModelBytes() {
        EngineConfig cfg = EngineConfig.defaults();
        assertThat(cfg.kvBytesPerToken()).isEqualTo(32L * 2 * 8 * 128 * 2);
        // 1000 tokens * 131072 B / 64e9 B/s = 2.048 ms
        assertThat(cfg.kvTransferMs(1000)).isCloseTo(2.048, offset(1e-9));
        assertThat(cfg.toBuilder().kvTransferBandwidth(0).build().kvTransferMs(1000))
                .isZero();
    }
}
