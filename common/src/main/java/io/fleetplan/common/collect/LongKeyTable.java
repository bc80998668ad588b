package io.fleetplan.common.collect;

import io.fleetplan.common.hash.SplitMix64;

/**
 * Open addressing over {@code long} keys with linear probing and backward-shift deletion (no tombstones, so
 * probes stay short under churn), kept at most half full. The value storage is the subclass's array {@code A};
 * a slot is empty when its value says so, so the table costs one key and one value per slot and nothing is
 * allocated except when it grows.
 *
 * @param <A> the value array type
 */
abstract class LongKeyTable<A> {

    long[] keys;
    A values;
    int size;
    int mask;

    LongKeyTable(int expected) {
        int capacity = Integer.highestOneBit(Math.max(2, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = newValues(capacity);
        mask = capacity - 1;
    }

    /** A value array of {@code capacity} empty slots. */
    abstract A newValues(int capacity);

    abstract boolean occupied(A values, int i);

    abstract void copy(A from, int i, A to, int j);

    abstract void vacate(A values, int i);

    /** Every slot empty again, in place. */
    abstract void vacateAll(A values);

    public final int size() {
        return size;
    }

    public final boolean isEmpty() {
        return size == 0;
    }

    /** Removes every entry, keeping the capacity. */
    public final void clear() {
        vacateAll(values);
        size = 0;
    }

    /** The slot holding {@code key}, or -1. */
    final int indexOf(long key) {
        A v = values;
        int i = home(key);
        while (occupied(v, i)) {
            if (keys[i] == key) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** The slot holding {@code key}, or the empty slot where it belongs. */
    final int slotFor(long key) {
        A v = values;
        int i = home(key);
        while (occupied(v, i) && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** Records {@code key} at the empty slot {@code i} whose value the subclass has just stored. */
    final void added(int i, long key) {
        keys[i] = key;
        if (++size * 2 > keys.length) {
            grow();
        }
    }

    /** Empties slot {@code i}, moving later entries of its probe run back so none is cut off from its home. */
    final void removeAt(int i) {
        size--;
        A v = values;
        int hole = i;
        int j = (i + 1) & mask;
        while (occupied(v, j)) {
            int home = home(keys[j]);
            // the entry may fill the hole when the hole lies on its probe path (home .. j, cyclically)
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                copy(v, j, v, hole);
                hole = j;
            }
            j = (j + 1) & mask;
        }
        vacate(v, hole);
    }

    private void grow() {
        long[] oldKeys = keys;
        A oldValues = values;
        int capacity = oldKeys.length * 2;
        keys = new long[capacity];
        values = newValues(capacity);
        mask = capacity - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (occupied(oldValues, i)) {
                int j = slotFor(oldKeys[i]);
                keys[j] = oldKeys[i];
                copy(oldValues, i, values, j);
            }
        }
    }

    private int home(long key) {
        // mixed: block hashes and small ids alike spread over every slot bit
        return (int) SplitMix64.mix(key) & mask;
    }
}
