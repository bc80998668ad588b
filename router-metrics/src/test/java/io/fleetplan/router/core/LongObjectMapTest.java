package io.fleetplan.router.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

class LongObjectMapTest {

    /** Randomised: behaves like a HashMap under puts and removes with colliding-ish keys. */
    @RepeatedTest(10)
    void behavesLikeAHashMap(RepetitionInfo info) {
        long seed = 1009L * info.getCurrentRepetition();
        Random rnd = new Random(seed);
        LongObjectMap<String> map = new LongObjectMap<>(1);
        Map<Long, String> reference = new HashMap<>();
        for (int step = 0; step < 20_000; step++) {
            long key = rnd.nextInt(500) * (rnd.nextBoolean() ? 1L : 1L << 40);
            if (rnd.nextInt(3) == 0) {
                assertThat(map.remove(key)).as("seed %d step %d", seed, step).isEqualTo(reference.remove(key));
            } else {
                String v = "v" + step;
                assertThat(map.put(key, v)).as("seed %d step %d", seed, step).isEqualTo(reference.put(key, v));
            }
            if (step % 97 == 0) {
                assertThat(map.size()).as("seed %d", seed).isEqualTo(reference.size());
                for (Map.Entry<Long, String> e : reference.entrySet()) {
                    assertThat(map.get(e.getKey())).as("seed %d key %d", seed, e.getKey()).isEqualTo(e.getValue());
                }
            }
        }
    }
}
