package io.fleetplan.mocker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** Seeded randomized operations against a simple reference model of who holds which block. */
class KvBlockManagerPropertyTest {

    private static final long BASE_SEED = 0x5EED_4B56L;

    /** Records per-block events and checks that evictions only take unreferenced blocks. */
    private static final class Sink implements KvEventSink {
        final Map<Long, Integer> storedCount = new HashMap<>();
        final List<Long> removed = new ArrayList<>();
        Map<Long, Integer> referencedHashes = Map.of();
        String failure;

        @Override
        public void stored(long blockHash, long tokensHash, long parentHash, boolean hasParent) {
            storedCount.merge(blockHash, 1, Integer::sum);
        }

        @Override
        public void removed(long blockHash) {
            removed.add(blockHash);
            storedCount.merge(blockHash, -1, Integer::sum);
            if (referencedHashes.getOrDefault(blockHash, 0) > 0 && failure == null) {
                failure = "evicted referenced block " + blockHash;
            }
        }
    }

    @RepeatedTest(40)
    void invariantsHoldUnderRandomOperations(RepetitionInfo info) {
        long seed = BASE_SEED + info.getCurrentRepetition();
        Random rnd = new Random(seed);
        int capacity = 4 + rnd.nextInt(60);
        boolean prefix = rnd.nextInt(4) != 0;
        Sink sink = new Sink();
        KvBlockManager m = new KvBlockManager(capacity, prefix, sink);
        // the model: every reference we hold, as slots; and per hash, how many references
        List<Integer> held = new ArrayList<>();
        Map<Long, Integer> refsByHash = new HashMap<>();
        sink.referencedHashes = refsByHash;
        int hashSpace = 1 + rnd.nextInt(capacity * 2);
        String ctx = "seed=" + seed + " capacity=" + capacity + " prefixCaching=" + prefix;

        for (int step = 0; step < 2000; step++) {
            int op = rnd.nextInt(10);
            if (op < 4) {
                long h = 1000 + rnd.nextInt(hashSpace);
                boolean wasCached = m.contains(h);
                int slot = m.acquireFull(h, h, 0, false);
                if (slot == KvBlockManager.NO_BLOCK) {
                    assertThat(m.availableBlocks())
                            .as(ctx + " step " + step + ": NO_BLOCK with room")
                            .isZero();
                    assertThat(wasCached).as(ctx).isFalse();
                } else {
                    assertThat(m.lastAcquireWasHit()).as(ctx).isEqualTo(wasCached);
                    assertThat(m.hashOf(slot)).as(ctx).isEqualTo(h);
                    held.add(slot);
                    refsByHash.merge(h, 1, Integer::sum);
                }
            } else if (op < 6) {
                int slot = m.allocatePartial();
                if (slot != KvBlockManager.NO_BLOCK) {
                    held.add(slot);
                } else {
                    assertThat(m.availableBlocks()).as(ctx).isZero();
                }
            } else if (op < 7 && !held.isEmpty()) {
                int i = rnd.nextInt(held.size());
                int slot = held.get(i);
                if (!m.isFull(slot)) {
                    long h = 1000 + rnd.nextInt(hashSpace);
                    int now = m.promote(slot, h, h, 0, false);
                    held.set(i, now);
                    refsByHash.merge(h, 1, Integer::sum);
                    assertThat(m.hashOf(now)).as(ctx).isEqualTo(h);
                }
            } else if (!held.isEmpty()) {
                int slot = held.remove(rnd.nextInt(held.size()));
                if (m.isFull(slot)) {
                    refsByHash.merge(m.hashOf(slot), -1, Integer::sum);
                }
                m.release(slot);
            }
            assertThat(sink.failure).as(ctx + " step " + step).isNull();
            checkInvariants(m, held, ctx + " step " + step);
            // a shared prefix is stored once: no hash is ever live twice
            sink.storedCount.forEach((h, n) ->
                    assertThat(n).as(ctx + " hash " + h + " stored count").isBetween(0, 1));
        }
        // releasing everything leaves nothing used
        for (int slot : held) {
            m.release(slot);
        }
        assertThat(m.usedBlocks()).as(ctx).isZero();
        assertThat(m.freeBlocks() + m.inactiveBlocks()).as(ctx).isEqualTo(capacity);
    }

    private static void checkInvariants(KvBlockManager m, List<Integer> held, String ctx) {
        assertThat(m.usedBlocks() + m.freeBlocks() + m.inactiveBlocks())
                .as(ctx + ": used+free+inactive")
                .isEqualTo(m.capacity());
        Map<Integer, Integer> expected = new HashMap<>();
        for (int slot : held) {
            expected.merge(slot, 1, Integer::sum);
        }
        for (int slot = 0; slot < m.capacity(); slot++) {
            assertThat(m.refCount(slot))
                    .as(ctx + ": refcount of slot " + slot)
                    .isNotNegative()
                    .isEqualTo(expected.getOrDefault(slot, 0));
        }
        assertThat(m.usedBlocks()).as(ctx + ": used = distinct held slots").isEqualTo(expected.size());
    }

    @Test
    void sharedPrefixIsStoredOnceAndReferencedTwice() {
        Sink sink = new Sink();
        KvBlockManager m = new KvBlockManager(8, true, sink);
        int a = m.acquireFull(42, 42, 0, false);
        int b = m.acquireFull(42, 42, 0, false);
        assertThat(a).isEqualTo(b);
        assertThat(m.refCount(a)).isEqualTo(2);
        assertThat(m.usedBlocks()).isEqualTo(1);
        assertThat(sink.storedCount).containsEntry(42L, 1);
    }

    @Test
    void evictionTakesLeastRecentlyReleasedInactiveBlock() {
        Sink sink = new Sink();
        KvBlockManager m = new KvBlockManager(2, true, sink);
        int a = m.acquireFull(1, 1, 0, false);
        int b = m.acquireFull(2, 2, 0, false);
        m.release(b);
        m.release(a);
        assertThat(m.inactiveBlocks()).isEqualTo(2);
        m.acquireFull(3, 3, 0, false);
        assertThat(sink.removed).containsExactly(2L);
        assertThat(m.contains(1)).isTrue();
    }

    @Test
    void releasingAnUnreferencedBlockFails() {
        KvBlockManager m = new KvBlockManager(2, true);
        int a = m.allocatePartial();
        m.release(a);
        assertThatThrownBy(() -> m.release(a)).isInstanceOf(IllegalStateException.class);
    }
}
