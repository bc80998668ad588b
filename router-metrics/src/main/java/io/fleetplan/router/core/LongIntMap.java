package io.fleetplan.router.core;

import java.util.Arrays;

/**
 * Open-addressing map from long to positive int counts, without boxing (the router's hot path looks up
 * block hashes for every candidate worker of every request). Removal by backward-shift, so no tombstones.
 */
final class LongIntMap {

    private long[] keys;
    private int[] values; // 0 = empty slot
    private int size;
    private int mask;

    LongIntMap() {
        keys = new long[16];
        values = new int[16];
        mask = 15;
    }

    int size() {
        return size;
    }

    int get(long key) {
        int i = slot(key);
        while (values[i] != 0) {
            if (keys[i] == key) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return 0;
    }

    boolean contains(long key) {
        return get(key) != 0;
    }

    /** Adds {@code delta} (may be negative); a count reaching 0 removes the key. */
    void add(long key, int delta) {
        int i = slot(key);
        while (values[i] != 0) {
            if (keys[i] == key) {
                values[i] += delta;
                if (values[i] <= 0) {
                    removeAt(i);
                }
                return;
            }
            i = (i + 1) & mask;
        }
        if (delta <= 0) {
            return;
        }
        keys[i] = key;
        values[i] = delta;
        if (++size * 2 > keys.length) {
            grow();
        }
    }

    private void removeAt(int i) {
        size--;
        int hole = i;
        int j = (i + 1) & mask;
        while (values[j] != 0) {
            int home = slot(keys[j]);
            // move j back into the hole if its home slot is not between the hole and j (cyclically)
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
            j = (j + 1) & mask;
        }
        values[hole] = 0;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != 0) {
                add(oldKeys[i], oldValues[i]);
            }
        }
    }

    void clear() {
        Arrays.fill(values, 0);
        size = 0;
    }

    private int slot(long key) {
        return (int) BlockHasher.mix(key) & mask;
    }
}
