package io.fleetplan.mocker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.time.Duration;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class EngineBehaviourTest {

    @RepeatedTest(10)
    void forwardPassSumsEqualTheWorkScheduled(RepetitionInfo info) {
        long seed = 77_000 + info.getCurrentRepetition();
        Random rnd = new Random(seed);
        EngineHarness h = new EngineHarness(EngineConfig.builder().maxNumBatchedTokens(2048 + rnd.nextInt(4096)));
        int[] shared = IntStream.range(0, 512).map(i -> 7 + i).toArray();
        int n = 20 + rnd.nextInt(40);
        for (int i = 0; i < n; i++) {
            int isl = 1 + rnd.nextInt(3000);
            int osl = 1 + rnd.nextInt(200);
            EngineRequest r;
            if (rnd.nextBoolean() && isl > 512) {
                int[] tokens = new int[isl];
                System.arraycopy(shared, 0, tokens, 0, 512);
                for (int t = 512; t < isl; t++) {
                    tokens[t] = rnd.nextInt(50_000);
                }
                r = EngineRequest.withTokens("r" + i, tokens, osl);
            } else {
                r = EngineRequest.synthetic("r" + i, isl, osl);
            }
            EngineRequest req = r;
            h.clock.schedule(Duration.ofMillis(rnd.nextInt(2000)), () -> h.submit(req));
        }
        h.clock.runUntilIdle(1_000_000);
        String ctx = "seed=" + seed;
        assertThat(h.rec.finished).as(ctx).hasSize(n);
        assertThat(h.engine.load().numPreemptions()).as(ctx).isZero();
        long expectedPrefill = h.rec.finished.values().stream()
                .mapToLong(c -> c.promptTokens() - c.cachedTokens())
                .sum();
        assertThat(h.sumPrefillTokens())
                .as(ctx + ": prefill tokens")
                .isEqualTo(expectedPrefill)
                .isEqualTo(h.engine.prefillTokens());
        // each request's first token comes with its prefill; the others are decode steps
        long decodes = h.rec.fpms.stream()
                .mapToLong(f -> f.scheduled().numDecodeRequests())
                .sum();
        long expectedDecodes = h.rec.finished.values().stream()
                .mapToLong(c -> c.completionTokens() - 1)
                .sum();
        assertThat(decodes).as(ctx + ": decode steps").isEqualTo(expectedDecodes);
        assertThat(h.engine.outputTokens())
                .as(ctx)
                .isEqualTo(h.rec.finished.values().stream()
                        .mapToLong(Completion::completionTokens)
                        .sum());
        double wall = h.rec.fpms.stream().mapToDouble(ForwardPass::wallTime).sum();
        assertThat(wall * 1e3)
                .as(ctx + ": FPM wall time = modelled busy time")
                .isCloseTo(h.engine.busyModelMs(), offset(1e-3));
        assertThat(h.rec.fpms)
                .extracting(ForwardPass::counterId)
                .as(ctx)
                .isSorted()
                .doesNotHaveDuplicates();
        assertThat(h.engine.kvCache().usedBlocks()).as(ctx).isZero();
    }

    @Test
    void identicalPromptsHitThePrefixCache() {
        EngineHarness h = new EngineHarness(EngineConfig.builder());
        int[] prompt = IntStream.range(0, 65).toArray();
        for (int i = 0; i < 10; i++) {
            h.submit(EngineRequest.withTokens("r" + i, prompt, 5));
            h.drain();
        }
        assertThat(h.engine.load().prefixCacheHitRate()).isGreaterThan(0.8);
        assertThat(h.rec.finished.get("r9").cachedTokens()).isEqualTo(64);
        // the shared block was announced once
        long storedFirstBlock = h.rec.kvEvents.stream()
                .filter(e -> e instanceof KvEvent.Stored s
                        && !s.hasParent()
                        && s.blockHashes()[0] == BlockHashes.sequenceHashes(prompt, 64)[0])
                .count();
        assertThat(storedFirstBlock).isEqualTo(1);
    }

    @Test
    void traceBlockHashesDrivePrefixCaching() {
        EngineHarness h = new EngineHarness(EngineConfig.builder().blockSize(16));
        h.submit(EngineRequest.withBlockHashes("a", 64, 2, new long[] {11, 12, 13, 14}));
        h.drain();
        h.submit(EngineRequest.withBlockHashes("b", 64, 2, new long[] {11, 12, 99, 100}));
        h.drain();
        assertThat(h.rec.finished.get("b").cachedTokens()).isEqualTo(32);
        KvEvent.Stored first = (KvEvent.Stored) h.rec.kvEvents.get(0);
        assertThat(first.blockHashes()).containsExactly(11, 12, 13, 14);
    }

    @Test
    void badRequestsAreRefusedWithoutTouchingState() {
        EngineHarness h = new EngineHarness(
                EngineConfig.builder().numGpuBlocks(100).blockSize(16).modelName("m"));
        h.submit(EngineRequest.synthetic("ok", 100, 10));
        assertThat(h.engine.submit(EngineRequest.synthetic("z", 0, 10)).outcome())
                .isEqualTo(SubmitResult.Outcome.INVALID_ARGUMENT);
        assertThat(h.engine.submit(EngineRequest.synthetic("z", 10, -1)).message())
                .contains("max_tokens");
        SubmitResult big = h.engine.submit(EngineRequest.synthetic("z", 5000, 1));
        assertThat(big.outcome()).isEqualTo(SubmitResult.Outcome.TOO_LARGE);
        assertThat(big.message()).contains("5000").contains("num_gpu_blocks 100");
        assertThat(h.engine
                        .submit(new EngineRequest("z", "other", 10, 1, null, null, null))
                        .outcome())
                .isEqualTo(SubmitResult.Outcome.UNKNOWN_MODEL);
        assertThat(h.engine.submit(EngineRequest.synthetic("ok", 10, 1)).outcome())
                .isEqualTo(SubmitResult.Outcome.DUPLICATE_ID);
        h.drain();
        assertThat(h.rec.finished).containsOnlyKeys("ok");
        assertThat(h.rec.tokens("ok")).isEqualTo(10);
    }

    @Test
    void idleEngineSendsAHeartbeatEverySecondAndNoneWhileBusy() {
        EngineHarness h = new EngineHarness(EngineConfig.defaults());
        h.clock.advanceBy(Duration.ofMillis(3500));
        assertThat(h.rec.heartbeats)
                .hasSize(3)
                .allSatisfy(f -> assertThat(f.isIdle()).isTrue());
        h.submit(EngineRequest.synthetic("busy", 100, 200)); // about 200 x 5.7 ms = 1.15 s of work
        h.clock.advanceBy(Duration.ofMillis(1000));
        assertThat(h.rec.heartbeats).hasSize(3);
        h.clock.advanceBy(Duration.ofMillis(3000));
        assertThat(h.rec.finished).containsKey("busy");
        assertThat(h.rec.heartbeats.size()).isBetween(4, 5);
    }

    @Test
    void cancelReleasesBlocksAndReportsCancelled() {
        EngineHarness h = new EngineHarness(EngineConfig.builder());
        h.submit(EngineRequest.synthetic("c", 1000, 1000));
        h.clock.advanceBy(Duration.ofMillis(100));
        assertThat(h.engine.cancel("c")).isTrue();
        assertThat(h.rec.finished.get("c").reason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(h.engine.kvCache().usedBlocks()).isZero();
        int tokens = h.rec.tokens("c");
        h.clock.advanceBy(Duration.ofMillis(100));
        assertThat(h.rec.tokens("c")).isEqualTo(tokens);
        assertThat(h.engine.cancel("c")).isFalse();
    }

    @Test
    void prefillRoleEmitsOneTokenAfterTheTransfer() {
        EngineHarness h = new EngineHarness(EngineConfig.builder().role(Role.PREFILL));
        h.submit(EngineRequest.synthetic("p", 1000, 100));
        h.drain();
        Completion c = h.rec.finished.get("p");
        assertThat(c.completionTokens()).isEqualTo(1);
        assertThat(c.handoff().transferredTokens()).isEqualTo(1000);
        assertThat(c.handoff().transferMs()).isCloseTo(2.048, offset(1e-9));
        // TTFT = prefill (no decode step) + transfer
        double expected = PolynomialTimingModel.prefillFormula(1000) + 2.048;
        assertThat(c.firstTokenNanos() / 1e6).isCloseTo(expected, offset(1e-3));
        assertThat(h.engine.kvCache().usedBlocks()).isZero();
    }

    @Test
    void decodeRoleSkipsPrefillAndContinuesAfterTheHandoff() {
        EngineHarness h = new EngineHarness(EngineConfig.builder().role(Role.DECODE));
        KvHandoff handoff = new KvHandoff("p1", 1000, 2.0, 1234);
        h.submit(new EngineRequest("d", null, 1000, 5, null, null, handoff));
        h.drain();
        assertThat(h.rec.tokenIndexes.get("d")).containsExactly(1, 2, 3, 4);
        assertThat(h.sumPrefillTokens()).isZero();
        assertThat(h.rec.finished.get("d").completionTokens()).isEqualTo(4);
    }

    @Test
    void infiniteSpeedupRunsWithoutAdvancingTime() {
        EngineHarness h = new EngineHarness(EngineConfig.builder().speedupRatio(Double.POSITIVE_INFINITY));
        h.submit(EngineRequest.synthetic("fast", 500, 50));
        h.drain();
        assertThat(h.rec.tokens("fast")).isEqualTo(50);
        assertThat(h.clock.nanoTime()).isZero();
    }

    @Test
    void speedupDividesTime() {
        EngineHarness slow = new EngineHarness(EngineConfig.builder());
        EngineHarness fast = new EngineHarness(EngineConfig.builder().speedupRatio(10));
        slow.submit(EngineRequest.synthetic("a", 500, 20));
        fast.submit(EngineRequest.synthetic("a", 500, 20));
        slow.drain();
        fast.drain();
        assertThat(fast.rec.finished.get("a").finishNanos() * 10.0)
                .isCloseTo(slow.rec.finished.get("a").finishNanos(), offset(1000.0));
    }
}
