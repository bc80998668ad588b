package io.fleetplan.pool.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PerfModelsTest {

    static FpmPerfModel linearEngine() {
        FpmPerfModel m = new FpmPerfModel(64, 16, 5);
        for (int tokens = 500; tokens <= 4000; tokens += 500) {
            m.observe(Fpm.prefillPass(0.01 + 0.0001 * tokens, 1, tokens));
        }
        for (int n : new int[] {1, 2, 4, 8}) {
            for (int kv : new int[] {1000, 3000, 6000}) {
                m.observe(Fpm.decodePass(0.005 + 0.0002 * n + 0.000001 * kv, n, kv));
            }
        }
        return m;
    }

    @Test
    void prefillRegressionRecoversWallTimeAndChunks() {
        FpmPerfModel m = linearEngine();
        assertThat(m.prefill(2000, 500, EngineLimits.UNKNOWN).requestsPerSecond())
                .isCloseTo(1 / 0.21, within(1e-6));
        // 2500 tokens in chunks of 1000: 2 x wt(1000) + wt(500) = 2 x 0.11 + 0.06
        assertThat(m.prefillWallSeconds(2500, 1000)).isCloseTo(0.28, within(1e-9));
    }

    @Test
    void decodeBinarySearchFindsTheLargestBatchUnderTheItl() {
        // ctx = 1000 + 200/2 = 1100; wt(b) = 0.005 + 0.0002 b + 1.1e-3 b <= 0.05 -> b = 34
        FpmPerfModel m = linearEngine();
        EngineCapacity c = m.decode(1000, 200, 50, new EngineLimits(1_000_000, 0, 0));
        double wt = 0.005 + 0.0013 * 34;
        assertThat(c.requestsPerSecond()).isCloseTo(34 / (200 * wt), within(1e-6));
        // max_num_seqs caps the batch
        EngineCapacity capped = m.decode(1000, 200, 50, new EngineLimits(1_000_000, 0, 8));
        assertThat(capped.requestsPerSecond()).isCloseTo(8 / (200 * (0.005 + 0.0013 * 8)), within(1e-6));
    }

    @Test
    void negativeSlopeRejectsTheFitAndFewSamplesAreNotReady() {
        FpmPerfModel m = new FpmPerfModel(64, 16, 5);
        for (int tokens = 500; tokens <= 4000; tokens += 500) {
            m.observe(Fpm.prefillPass(1.0 - 0.0001 * tokens, 1, tokens));
        }
        assertThat(m.prefillReady()).isFalse();
        FpmPerfModel few = new FpmPerfModel(64, 16, 5);
        for (int i = 1; i <= 4; i++) {
            few.observe(Fpm.prefillPass(0.01 * i, 1, 100 * i));
        }
        assertThat(few.prefillReady()).isFalse();
        few.observe(Fpm.prefillPass(0.05, 1, 500));
        assertThat(few.prefillReady()).isTrue();
    }

    @Test
    void collinearDecodeSamplesWithANegativeContextSlopeStillTeachTheModel() {
        // every request carries ~1000 tokens of context, so kv tracks the request count; the noise in kv is
        // anti-correlated with the wall time, which makes the least-squares context slope negative
        FpmPerfModel m = new FpmPerfModel(64, 16, 5);
        m.observe(Fpm.decodePass(0.008, 1, 1000));
        m.observe(Fpm.decodePass(0.008, 1, 1010));
        m.observe(Fpm.decodePass(0.008, 1, 990));
        m.observe(Fpm.decodePass(0.008, 1, 1005));
        m.observe(Fpm.decodePass(0.008, 1, 995));
        assertThat(m.decodeReady()).isTrue();
        double flat = m.decodeWallSeconds(20, 20_000);
        long[] noise = {35, -25, 15, -45, 20, 0, -10, 30, -35, 5, 40, -15, 25, -30, 10, -5, 45, -20, 15, -40};
        for (int n = 1; n <= 20; n++) {
            long kv = 1000L * n + noise[n - 1];
            // wall = 8 ms + 2 ms per request - 10 us per token of noise = 8 + 12n ms - 10 us x kv
            m.observe(Fpm.decodePass(0.008 + 0.002 * n - 0.00001 * noise[n - 1], n, kv));
        }
        assertThat(m.decodeWallSeconds(20, 20_000))
                .as("the model learned the slow-down under load")
                .isGreaterThan(flat + 0.03)
                .isCloseTo(0.048, within(0.003));
    }

    @Test
    void aggregatedEnginesGetOneJointModelOfMixedIterations() {
        FpmPerfModel m = new FpmPerfModel(64, 16, 5, true);
        Random rnd = new Random(3);
        for (int i = 0; i < 200; i++) {
            long prefill = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(4000);
            int n = 1 + rnd.nextInt(32);
            long kv = n * (500L + rnd.nextInt(3000));
            double wall = 0.01 + 1e-4 * prefill + 0.0005 * n + 2e-6 * kv;
            m.observe(new Fpm("w", 0, wall, prefill > 0 ? 1 : 0, prefill, n, kv, 0, 0, 0, 0));
        }
        assertThat(m.prefillReady()).isTrue();
        assertThat(m.prefillWallSeconds(2000, 0)).isCloseTo(0.01 + 0.2, within(1e-6));
        assertThat(m.decodeWallSeconds(4, 4000)).isCloseTo(0.01 + 0.002 + 0.008, within(1e-6));
        assertThat(m.prefillSampleCount()).isEqualTo(64);
    }

    @Test
    void idleFpmsAreNotSamples() {
        FpmPerfModel m = new FpmPerfModel(64, 16, 1);
        m.observe(new Fpm("w", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThat(m.prefillSampleCount() + m.decodeSampleCount()).isZero();
    }

    @Test
    void retentionEvictsTheOldestOfTheFullestBucket() {
        BucketedSamples s = new BucketedSamples(1, 4, 5);
        s.add(new double[] {0}, 1);
        for (int i = 0; i < 10; i++) {
            s.add(new double[] {100 + i}, i); // all land in the top bucket
        }
        assertThat(s.size()).isEqualTo(5);
        // the lone low-load sample survives; the top bucket kept its newest four
        assertThat(s.samples().get(0).x()[0]).isZero();
        assertThat(s.samples().stream().mapToDouble(BucketedSamples.Sample::y).toArray())
                .containsExactly(1, 6, 7, 8, 9);
        assertThat(new BucketedSamples(2, 16, 64).bucketsPerAxis()).isEqualTo(4);
    }

    @Test
    void profileInterpolation() {
        ProfileData d = new ProfileData(
                new double[] {1000, 2000, 4000},
                new double[] {100, 200, 400},
                new double[] {10000, 9000, 8000},
                new double[] {0.1, 0.5, 0.9, 0.1, 0.5, 0.9},
                new double[] {1000, 1000, 1000, 3000, 3000, 3000},
                new double[] {10, 30, 60, 20, 60, 120},
                new double[] {100, 400, 600, 50, 200, 300},
                100_000,
                List.of());
        ProfilePerfModel m = new ProfilePerfModel(d, 1, 2);
        // prefill: 9000 tok/s/GPU at ISL 2000 -> 4.5 req/s; TTFT on the profiled point
        assertThat(m.prefill(2000, 500, EngineLimits.UNKNOWN).requestsPerSecond())
                .isCloseTo(4.5, within(1e-9));
        assertThat(m.ttftMs(2000)).isCloseTo(200, within(1e-9));
        assertThat(m.ttftMs(99_999)).as("ISL clamped to the profiled range").isCloseTo(400, within(1e-9));
        // decode at ctx 900 + 200/2 = 1000, ITL <= 30: highest grid KV usage with ITL <= 30 is 49/99
        double kv = 49 / 99.0;
        double thpt = 100 + (kv - 0.1) / 0.4 * 300;
        EngineCapacity c = m.decode(900, 200, 30, EngineLimits.UNKNOWN);
        assertThat(c.requestsPerSecond()).isCloseTo(thpt * 2 / 200, within(1e-9));
        assertThat(c.latencyMs()).isLessThanOrEqualTo(30);
        // halfway between the rows, ITL blends linearly
        assertThat(m.itlMs(0.5, 2000)).isCloseTo(45, within(1e-9));
    }
}
