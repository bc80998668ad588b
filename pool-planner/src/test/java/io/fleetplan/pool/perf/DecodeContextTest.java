package io.fleetplan.pool.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DecodeContextTest {

    @Test
    void aRequestCountsForAsLongAsItRuns() {
        DecodeContext c = new DecodeContext(600);
        assertThat(c.tokensPerRequest()).isNaN();
        // a 12,000-token prompt with 200 outputs runs 200 steps; a 500-token prompt with 8,000 outputs runs 8,000
        c.add("d0", 1, 12_100, 200 * 0.01);
        c.add("d0", 1, 4_500, 8_000 * 0.01);
        // the mean request: isl 6,250, osl 4,100 -> 6,250 + 2,050 = 8,300 tokens; the running requests held
        // (12,100 x 200 + 4,500 x 8,000) / 8,200 = 4,685 on average
        assertThat(c.tokensPerRequest()).isCloseTo((12_100.0 * 200 + 4_500.0 * 8_000) / 8_200, within(1e-6));
    }

    @Test
    void iterationsWeighByTheirRequestsAndWallTime() {
        DecodeContext c = new DecodeContext(60);
        c.add("d0", 4, 4 * 1_000, 0.02); // 4 requests of 1,000 tokens
        c.add("d0", 1, 9_000, 0.02); // 1 request of 9,000
        assertThat(c.tokensPerRequest()).isCloseTo((4_000.0 + 9_000) / 5, within(1e-9));
        c.add("d0", 0, 0, 0.02);
        c.add("d0", 3, 3_000, 0);
        assertThat(c.tokensPerRequest()).isCloseTo(2_600, within(1e-9));
    }

    @Test
    void theWindowIsEngineTimeAcrossEngines() {
        DecodeContext c = new DecodeContext(10);
        for (int i = 0; i < 100; i++) { // 20 s of one engine at 2,000 tokens per request
            c.add("d0", 1, 2_000, 0.2);
        }
        assertThat(c.tokensPerRequest()).isCloseTo(2_000, within(1e-9));
        // the mix changes: two engines run 10 s each at 6,000; the window (10 s x 2 engines) keeps those and at most
        // one older pass (it drops a pass only while the rest still fill the window)
        for (int i = 0; i < 50; i++) {
            c.add("d0", 1, 6_000, 0.2);
            c.add("d1", 1, 6_000, 0.2);
        }
        assertThat(c.tokensPerRequest()).isBetween((100 * 6_000.0 + 2_000) / 101, 6_000.0);
    }

    @Test
    void theModelSizesDecodeForTheHeldContextWhenAsked() {
        FpmPerfModel formula = new FpmPerfModel(64, 16, 5);
        FpmPerfModel held = new FpmPerfModel(64, 16, 5, false, 60);
        for (FpmPerfModel m : new FpmPerfModel[] {formula, held}) {
            for (int n : new int[] {1, 2, 4, 8}) {
                for (int kv : new int[] {1000, 3000, 6000}) {
                    m.observe(Fpm.decodePass(0.005 + 0.0002 * n + 0.000001 * kv, n, kv * n));
                }
            }
        }
        // the passes held 1,000-6,000 tokens per request (weighted mean 3,530): below the formula's 5,000 + 100
        EngineLimits kv = new EngineLimits(200_000, 0, 0);
        double byFormula = formula.decode(5_000, 200, 50, kv).requestsPerSecond();
        double byHeld = held.decode(5_000, 200, 50, kv).requestsPerSecond();
        assertThat(byHeld).isGreaterThan(byFormula);
        // a profile's passes train the regression but are not traffic: nothing held, the formula stands in
        FpmPerfModel profiled = new FpmPerfModel(64, 16, 5, false, 60);
        formulaPasses(profiled);
        assertThat(profiled.decode(5_000, 200, 50, kv).requestsPerSecond()).isCloseTo(byFormula, within(1e-9));
    }

    private static void formulaPasses(FpmPerfModel m) {
        for (int n : new int[] {1, 2, 4, 8}) {
            for (int kv : new int[] {1000, 3000, 6000}) {
                m.observeProfile(Fpm.decodePass(0.005 + 0.0002 * n + 0.000001 * kv, n, kv * n));
            }
        }
    }
}
