package io.fleetplan.router.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class PrefixIndexTest {

    private static KvEvent.Stored stored(long[] hashes) {
        return new KvEvent.Stored(false, 0, hashes, hashes);
    }

    @Test
    void overlapCountsConsecutiveLeadingBlocks() {
        PrefixIndex index = new PrefixIndex();
        index.apply(0, stored(new long[] {1, 2, 3, 4}));
        index.apply(1, stored(new long[] {1, 2}));
        index.apply(2, stored(new long[] {9}));
        int[] scores = new int[64];
        index.findMatches(new long[] {1, 2, 3, 7}, scores);
        assertThat(scores[0]).isEqualTo(3);
        assertThat(scores[1]).isEqualTo(2);
        assertThat(scores[2]).isZero();
    }

    @Test
    void storedUnderParentContinuesThePrefixAndRemovedDropsIt() {
        PrefixIndex index = new PrefixIndex();
        // sequence hashes 100,101 carry token hashes 1,2; then 102 (token 3) is stored under parent 101
        index.apply(0, new KvEvent.Stored(false, 0, new long[] {100, 101}, new long[] {1, 2}));
        index.apply(0, new KvEvent.Stored(true, 101, new long[] {102}, new long[] {3}));
        int[] scores = new int[64];
        index.findMatches(new long[] {1, 2, 3}, scores);
        assertThat(scores[0]).isEqualTo(3);
        index.apply(0, new KvEvent.Removed(new long[] {101}));
        index.findMatches(new long[] {1, 2, 3}, scores);
        assertThat(scores[0])
                .as("a hole at block 2 ends the consecutive prefix")
                .isEqualTo(1);
        assertThat(index.treeSize(0)).isEqualTo(2);
    }

    @Test
    void unknownParentIsDroppedAndClearForgetsTheWorker() {
        PrefixIndex index = new PrefixIndex();
        assertThat(index.apply(0, new KvEvent.Stored(true, 55, new long[] {1}, new long[] {1})))
                .isFalse();
        assertThat(index.droppedEvents()).isEqualTo(1);
        index.apply(3, stored(new long[] {1, 2}));
        index.apply(3, new KvEvent.Cleared());
        int[] scores = new int[64];
        index.findMatches(new long[] {1, 2}, scores);
        assertThat(scores[3]).isZero();
        assertThat(index.nodeCount()).as("empty nodes are pruned").isZero();
    }

    @Test
    void worksBeyondSixtyFourWorkers() {
        PrefixIndex index = new PrefixIndex();
        index.apply(70, stored(new long[] {1, 2}));
        index.apply(5, stored(new long[] {1}));
        int[] scores = new int[index.slotCapacity()];
        index.findMatches(new long[] {1, 2}, scores);
        assertThat(scores[70]).isEqualTo(2);
        assertThat(scores[5]).isEqualTo(1);
    }

    /** Randomised: the tree's answer equals a brute-force per-worker set of stored prefixes. */
    @RepeatedTest(20)
    void matchesBruteForce(RepetitionInfo info) {
        long seed = 7919L * info.getCurrentRepetition();
        Random rnd = new Random(seed);
        PrefixIndex index = new PrefixIndex();
        int workers = 1 + rnd.nextInt(8);
        List<Set<Long>> held = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            held.add(new HashSet<>());
        }
        for (int step = 0; step < 200; step++) {
            int w = rnd.nextInt(workers);
            long[] prefix = chain(rnd.nextInt(4), 1 + rnd.nextInt(6));
            if (rnd.nextInt(4) == 0 && !held.get(w).isEmpty()) {
                long victim = prefix[prefix.length - 1];
                index.apply(w, new KvEvent.Removed(new long[] {victim}));
                held.get(w).remove(victim);
            } else {
                index.apply(w, stored(prefix));
                for (long h : prefix) {
                    held.get(w).add(h);
                }
            }
        }
        int[] scores = new int[64];
        for (int q = 0; q < 20; q++) {
            long[] request = chain(rnd.nextInt(4), 1 + rnd.nextInt(6));
            index.findMatches(request, scores);
            for (int w = 0; w < workers; w++) {
                int expected = 0;
                while (expected < request.length && held.get(w).contains(request[expected])) {
                    expected++;
                }
                assertThat(scores[w]).as("seed %d worker %d", seed, w).isEqualTo(expected);
            }
        }
    }

    // a chained hash sequence: family f, length n; equal families share prefixes
    private static long[] chain(int family, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = family * 1000L + i;
        }
        return out;
    }
}
