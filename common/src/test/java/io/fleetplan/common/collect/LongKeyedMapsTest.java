package io.fleetplan.common.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** Both long-keyed maps behave like a {@code HashMap} under random puts, removes and clears. */
class LongKeyedMapsTest {

    /** Keys from a small range, some far apart: many share a home slot and probe runs wrap the table. */
    private static long key(Random rnd) {
        return rnd.nextInt(500) * (rnd.nextBoolean() ? 1L : 1L << 40);
    }

    /** A map under test seen as long to Integer, null for absent. */
    private interface Subject {
        Integer put(long key, int value);

        Integer remove(long key);

        Integer get(long key);

        void clear();

        int size();

        /** Every value, or null when the map cannot list them. */
        List<Integer> values();
    }

    private static void behavesLikeAHashMap(Subject map, long seed) {
        Random rnd = new Random(seed);
        Map<Long, Integer> reference = new HashMap<>();
        for (int step = 0; step < 20_000; step++) {
            long key = key(rnd);
            int op = rnd.nextInt(1000);
            if (op == 0) {
                map.clear();
                reference.clear();
            } else if (op % 3 == 0) {
                assertThat(map.remove(key)).as("seed %d step %d", seed, step).isEqualTo(reference.remove(key));
            } else {
                assertThat(map.put(key, step)).as("seed %d step %d", seed, step).isEqualTo(reference.put(key, step));
            }
            if (step % 97 == 0) {
                assertThat(map.size()).as("seed %d", seed).isEqualTo(reference.size());
                for (Map.Entry<Long, Integer> e : reference.entrySet()) {
                    assertThat(map.get(e.getKey()))
                            .as("seed %d key %d", seed, e.getKey())
                            .isEqualTo(e.getValue());
                }
                if (map.values() != null) {
                    assertThat(map.values()).containsExactlyInAnyOrderElementsOf(reference.values());
                }
            }
        }
    }

    @RepeatedTest(10)
    void longObjectMapBehavesLikeAHashMap(RepetitionInfo info) {
        LongObjectMap<Integer> map = new LongObjectMap<>(1);
        behavesLikeAHashMap(
                new Subject() {
                    @Override
                    public Integer put(long key, int value) {
                        return map.put(key, value);
                    }

                    @Override
                    public Integer remove(long key) {
                        return map.remove(key);
                    }

                    @Override
                    public Integer get(long key) {
                        return map.get(key);
                    }

                    @Override
                    public void clear() {
                        map.clear();
                        assertThat(map.isEmpty()).isTrue();
                    }

                    @Override
                    public int size() {
                        return map.size();
                    }

                    @Override
                    public List<Integer> values() {
                        List<Integer> values = new ArrayList<>();
                        map.forEachValue(values::add);
                        return values;
                    }
                },
                1009L * info.getCurrentRepetition());
    }

    @RepeatedTest(10)
    void longIntMapBehavesLikeAHashMap(RepetitionInfo info) {
        LongIntMap map = new LongIntMap(1);
        behavesLikeAHashMap(
                new Subject() {
                    @Override
                    public Integer put(long key, int value) {
                        Integer old = get(key);
                        map.put(key, value);
                        return old;
                    }

                    @Override
                    public Integer remove(long key) {
                        Integer old = get(key);
                        map.remove(key);
                        return old;
                    }

                    @Override
                    public Integer get(long key) {
                        int v = map.get(key);
                        return v < 0 ? null : v;
                    }

                    @Override
                    public void clear() {
                        map.clear();
                    }

                    @Override
                    public int size() {
                        return map.size();
                    }

                    @Override
                    public List<Integer> values() {
                        return null;
                    }
                },
                2003L * info.getCurrentRepetition());
    }

    @Test
    void theValueThatMarksAnEmptySlotIsRefused() {
        assertThatThrownBy(() -> new LongObjectMap<String>(4).put(1, null)).hasMessageContaining("null");
        assertThatThrownBy(() -> new LongIntMap(4).put(1, -1)).hasMessageContaining(">= 0");
        LongIntMap zero = new LongIntMap(4);
        zero.put(7, 0);
        assertThat(zero.get(7)).isZero();
        assertThat(zero.get(8)).isEqualTo(-1);
    }

    /**
     * The router's index and the mocker's KV manager rely on it: looking up, replacing and removing allocate
     * nothing (only growth does), so a steady state produces no garbage.
     */
    @Test
    void lookupsReplacementsAndRemovalsAllocateNothing() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        LongObjectMap<String> objects = new LongObjectMap<>(4096);
        LongIntMap ints = new LongIntMap(4096);
        String value = "v";
        for (int round = 0; round < 3; round++) { // the last round is measured, after the JIT has seen the loop
            long before = threads.getCurrentThreadAllocatedBytes();
            long sum = 0;
            for (long k = 0; k < 4096; k++) {
                objects.put(k * 0x9E3779B97F4A7C15L, value);
                ints.put(k * 0x9E3779B97F4A7C15L, (int) k);
            }
            for (long k = 0; k < 4096; k++) {
                sum += objects.get(k * 0x9E3779B97F4A7C15L).length() + ints.get(k * 0x9E3779B97F4A7C15L);
                objects.remove(k * 0x9E3779B97F4A7C15L);
                ints.remove(k * 0x9E3779B97F4A7C15L);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(sum).isPositive();
            if (round == 2) {
                assertThat(allocated)
                        .as("bytes allocated by 8192 puts, gets and removes")
                        .isLessThan(1024);
            }
        }
    }
}
