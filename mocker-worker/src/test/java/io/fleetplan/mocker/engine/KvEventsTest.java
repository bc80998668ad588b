package io.fleetplan.mocker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KvEventsTest {

    @Test
    void storedEventsChainAndEvictionsAreAnnouncedAsRemoved() {
        // 8 blocks of 16 tokens: the second prompt evicts the first one's cached blocks
        EngineHarness h = new EngineHarness(
                EngineConfig.builder().numGpuBlocks(8).blockSize(16).watermark(0));
        int[] a = IntStream.range(0, 80).toArray();
        int[] b = IntStream.range(1000, 1080).toArray();
        h.submit(EngineRequest.withTokens("a", a, 1));
        h.drain();
        h.submit(EngineRequest.withTokens("b", b, 1));
        h.drain();
        long[] aHashes = BlockHashes.sequenceHashes(a, 16);
        KvEvent.Stored first = (KvEvent.Stored) h.rec.kvEvents.get(0);
        assertThat(first.hasParent()).isFalse();
        assertThat(first.blockHashes()).containsExactly(aHashes);
        Set<Long> removed = new HashSet<>();
        h.rec.kvEvents.stream().filter(e -> e instanceof KvEvent.Removed).forEach(e -> {
            for (long x : ((KvEvent.Removed) e).blockHashes()) {
                removed.add(x);
            }
        });
        // b needs 6 blocks (5 full + tail); 8 - 6 = 2 blocks of a can stay cached at most
        assertThat(removed).isSubsetOf(toSet(aHashes)).hasSizeGreaterThanOrEqualTo(aHashes.length - 2);
        // a releases tail first, so its first block is the last to go
        assertThat(h.engine.kvCache().contains(aHashes[0])).isTrue();
        List<Long> ids = h.rec.kvEvents.stream().map(KvEvent::eventId).toList();
        assertThat(ids)
                .containsExactlyElementsOf(
                        IntStream.range(0, ids.size()).mapToObj(i -> (long) i).toList());
    }

    @Test
    void queuedStatisticsDescribeTheWaitingQueue() {
        EngineHarness h = new EngineHarness(EngineConfig.builder().maxNumSeqs(1));
        h.submit(EngineRequest.synthetic("run", 100, 5));
        h.submit(EngineRequest.synthetic("w1", 200, 5));
        h.submit(EngineRequest.synthetic("w2", 400, 5));
        h.clock.runNext();
        h.clock.runNext();
        ForwardPass first = h.rec.fpms.get(0);
        assertThat(first.queued().numPrefillRequests()).isEqualTo(2);
        assertThat(first.queued().sumPrefillTokens()).isEqualTo(600);
        assertThat(first.queued().varPrefillLength()).isEqualTo(10_000.0); // lengths 200 and 400
        assertThat(first.queued().numDecodeRequests()).isZero();
        h.drain();
        assertThat(h.rec.fpms.getLast().queued()).isEqualTo(ForwardPass.Queued.EMPTY);
    }

    private static Set<Long> toSet(long[] values) {
        Set<Long> s = new HashSet<>();
        for (long v : values) {
            s.add(v);
        }
        return s;
    }
}
