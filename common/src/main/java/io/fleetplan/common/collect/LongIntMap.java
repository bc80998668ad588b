package io.fleetplan.common.collect;

import java.util.Arrays;

/**
 * A map from {@code long} to non-negative {@code int}s without boxing (the mocker's KV manager finds a block's
 * slot by its hash for every block of every admitted request). Absent keys read as {@code -1}; nothing but
 * growth allocates. Not thread-safe.
 */
public final class LongIntMap extends LongKeyTable<int[]> {

    private static final int EMPTY = -1;

    /** @param expected entries to hold before the first growth */
    public LongIntMap(int expected) {
        super(expected);
    }

    /** The value of {@code key}, or -1. */
    public int get(long key) {
        int i = indexOf(key);
        return i < 0 ? EMPTY : values[i];
    }

    /** @param value at least 0 (-1 marks an empty slot) */
    public void put(long key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("value must be >= 0, was " + value);
        }
        int i = slotFor(key);
        boolean fresh = values[i] == EMPTY;
        values[i] = value;
        if (fresh) {
            added(i, key);
        }
    }

    /** Removes {@code key} if present. */
    public void remove(long key) {
        int i = indexOf(key);
        if (i >= 0) {
            removeAt(i);
        }
    }

    @Override
    int[] newValues(int capacity) {
        int[] values = new int[capacity];
        Arrays.fill(values, EMPTY);
        return values;
    }

    @Override
    boolean occupied(int[] values, int i) {
        return values[i] != EMPTY;
    }

    @Override
    void copy(int[] from, int i, int[] to, int j) {
        to[j] = from[i];
    }

    @Override
    void vacate(int[] values, int i) {
        values[i] = EMPTY;
    }

    @Override
    void vacateAll(int[] values) {
        Arrays.fill(values, EMPTY);
    }
}
