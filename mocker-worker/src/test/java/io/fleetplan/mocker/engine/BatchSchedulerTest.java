package io.fleetplan.mocker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchSchedulerTest {

    @Test
    void chunkedPrefillSplitsALongPromptByTheTokenBudget() {
        EngineHarness h = new EngineHarness(EngineConfig.builder());
        h.submit(EngineRequest.synthetic("long", 20_000, 2));
        h.drain();
        List<Long> chunks = h.rec.fpms.stream()
                .map(f -> f.scheduled().sumPrefillTokens())
                .filter(n -> n > 0)
                .toList();
        assertThat(chunks).containsExactly(8192L, 8192L, 3616L);
        // the earlier chunks are read back as KV by the later ones
        assertThat(h.rec.fpms.get(1).scheduled().sumPrefillKvTokens()).isEqualTo(8192);
        assertThat(h.rec.fpms.get(2).scheduled().sumPrefillKvTokens()).isEqualTo(16384);
        assertThat(h.rec.tokens("long")).isEqualTo(2);
    }

    @Test
    void decodesShareTheBudgetWithAChunk() {
        EngineHarness h = new EngineHarness(EngineConfig.builder());
        h.submit(EngineRequest.synthetic("short", 100, 50));
        h.clock.runNext(); // start
        h.clock.runNext(); // first iteration done: "short" is decoding
        h.submit(EngineRequest.synthetic("long", 20_000, 1));
        h.drain();
        // the first chunk of "long" ran next to one decode
        ForwardPass withChunk = h.rec.fpms.stream()
                .filter(f -> f.scheduled().sumPrefillTokens() > 1000)
                .findFirst()
                .orElseThrow();
        assertThat(withChunk.scheduled().numDecodeRequests()).isEqualTo(1);
        assertThat(withChunk.scheduled().sumPrefillTokens()).isEqualTo(8191);
    }

    @Test
    void withoutChunkedPrefillAPromptWaitsForAWholeBudget() {
        EngineHarness h = new EngineHarness(
                EngineConfig.builder().enableChunkedPrefill(false).maxNumBatchedTokens(1000));
        h.submit(EngineRequest.synthetic("a", 600, 1));
        h.submit(EngineRequest.synthetic("b", 600, 1));
        h.drain();
        assertThat(h.rec.fpms.get(0).scheduled().sumPrefillTokens()).isEqualTo(600);
        assertThat(h.rec.fpms.get(1).scheduled().sumPrefillTokens()).isEqualTo(600);
    }

    @Test
    void maxNumSeqsIsNeverExceeded() {
        EngineHarness h = new EngineHarness(EngineConfig.builder().maxNumSeqs(4));
        IntStream.range(0, 12).forEach(i -> h.submit(EngineRequest.synthetic("r" + i, 200, 20)));
        h.drain();
        assertThat(h.rec.loads).allSatisfy(l -> assertThat(l.numRunning()).isLessThanOrEqualTo(4));
        assertThat(h.rec.fpms)
                .allSatisfy(f -> assertThat(f.scheduled().numPrefillRequests()
                                + f.scheduled().numDecodeRequests())
                        .isLessThanOrEqualTo(4));
        assertThat(h.rec.loads.stream().mapToInt(LoadSnapshot::numRunning).max().orElse(0))
                .isEqualTo(4);
        assertThat(h.rec.finished).hasSize(12);
    }

    @Test
    void preemptionEvictsTheNewestAndResumedRequestsLoseNothing() {
        // 24 blocks of 16 tokens; four requests that each grow to 8 blocks cannot all fit
        EngineHarness h = new EngineHarness(
                EngineConfig.builder().numGpuBlocks(24).blockSize(16).watermark(0));
        for (int i = 0; i < 4; i++) {
            h.submit(EngineRequest.synthetic("r" + i, 30, 98));
        }
        h.drain();
        assertThat(h.engine.load().numPreemptions()).isPositive();
        for (int i = 0; i < 4; i++) {
            String id = "r" + i;
            assertThat(h.rec.tokenIndexes.get(id))
                    .as(id)
                    .containsExactlyElementsOf(IntStream.range(0, 98).boxed().toList());
            assertThat(h.rec.finished.get(id).completionTokens()).isEqualTo(98);
            assertThat(h.rec.tokenTimes.get(id)).as(id + " times never go back").isSorted();
        }
        // LIFO: the oldest request is never the victim
        assertThat(h.rec.finished.get("r0").preemptions()).isZero();
        assertThat(h.rec.finished.get("r3").preemptions()).isPositive();
        // a resumed request shows up as a queued decode, then recomputes its context
        assertThat(h.rec.fpms)
                .anySatisfy(f -> assertThat(f.queued().numDecodeRequests()).isPositive());
        assertThat(h.engine.kvCache().usedBlocks()).isZero();
    }

    @Test
    void fifoPreemptionEvictsTheOldest() {
        EngineHarness h = new EngineHarness(EngineConfig.builder()
                .numGpuBlocks(24)
                .blockSize(16)
                .watermark(0)
                .preemptionMode("fifo"));
        for (int i = 0; i < 4; i++) {
            h.submit(EngineRequest.synthetic("r" + i, 30, 98));
        }
        h.drain();
        assertThat(h.rec.finished.get("r0").preemptions()).isPositive();
        for (int i = 0; i < 4; i++) {
            assertThat(h.rec.tokenIndexes.get("r" + i))
                    .containsExactlyElementsOf(IntStream.range(0, 98).boxed().toList());
        }
    }

    @Test
    void admissionKeepsTheWatermarkFree() {
        // 100 blocks, watermark 0.1 -> at most 90 blocks admitted; each request needs 40
        EngineHarness h = new EngineHarness(
                EngineConfig.builder().numGpuBlocks(100).blockSize(16).watermark(0.1));
        for (int i = 0; i < 3; i++) {
            h.submit(EngineRequest.synthetic("r" + i, 639, 1));
        }
        h.clock.runNext();
        assertThat(h.engine.load().numRunning()).isEqualTo(2);
        assertThat(h.engine.load().numWaiting()).isEqualTo(1);
        h.drain();
        assertThat(h.rec.finished).hasSize(3);
    }
}
