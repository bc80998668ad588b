package io.fleetplan.router.core;

import java.util.Arrays;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Open-addressing map from long to objects, without boxing: the prefix index holds millions of block hashes,
 * and boxed HashMap entries would multiply its memory and GC work. Removal by backward-shift.
 */
final class LongObjectMap<V> {

    private long[] keys;
    private Object[] values; // null = empty slot
    private int size;
    private int mask;

    LongObjectMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(2, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new Object[cap];
        mask = cap - 1;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    @SuppressWarnings("unchecked")
    @Nullable V get(long key) {
        int i = slot(key);
        Object v;
        while ((v = values[i]) != null) {
            if (keys[i] == key) {
                return (V) v;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** @return the previous value, or null */
    @SuppressWarnings("unchecked")
    @Nullable V put(long key, V value) {
        int i = slot(key);
        while (values[i] != null) {
            if (keys[i] == key) {
                V old = (V) values[i];
                values[i] = value;
                return old;
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        values[i] = value;
        if (++size * 2 > keys.length) {
            grow();
        }
        return null;
    }

    /** @return the removed value, or null */
    @SuppressWarnings("unchecked")
    @Nullable V remove(long key) {
        int i = slot(key);
        while (values[i] != null) {
            if (keys[i] == key) {
                V old = (V) values[i];
                removeAt(i);
                return old;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    private void removeAt(int i) {
        size--;
        int hole = i;
        int j = (i + 1) & mask;
        while (values[j] != null) {
            int home = slot(keys[j]);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
            j = (j + 1) & mask;
        }
        values[hole] = null;
    }

    @SuppressWarnings("unchecked")
    void forEachValue(Consumer<V> action) {
        for (Object v : values) {
            if (v != null) {
                action.accept((V) v);
            }
        }
    }

    void clear() {
        Arrays.fill(values, null);
        size = 0;
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                put(oldKeys[i], cast(oldValues[i]));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private V cast(Object o) {
        return (V) o;
    }

    private int slot(long key) {
        return (int) BlockHasher.mix(key) & mask;
    }
}
