package io.fleetplan.common.collect;

import java.util.Arrays;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A map from {@code long} to non-null objects without boxing: the router's prefix index holds millions of block
 * hashes, where boxed {@code HashMap} entries would multiply memory and GC work. {@link #get}, {@link #put} of a
 * present key and {@link #remove} allocate nothing. Not thread-safe.
 */
public final class LongObjectMap<V> extends LongKeyTable<Object[]> {

    /** @param expected entries to hold before the first growth */
    public LongObjectMap(int expected) {
        super(expected);
    }

    /** The value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    public @Nullable V get(long key) {
        int i = indexOf(key);
        return i < 0 ? null : (V) values[i];
    }

    /**
     * @param value not null
     * @return the previous value, or null
     */
    @SuppressWarnings("unchecked")
    public @Nullable V put(long key, V value) {
        if (value == null) {
            throw new IllegalArgumentException("value must not be null (null marks an empty slot)");
        }
        int i = slotFor(key);
        V old = (V) values[i];
        values[i] = value;
        if (old == null) {
            added(i, key);
        }
        return old;
    }

    /** @return the removed value, or null */
    @SuppressWarnings("unchecked")
    public @Nullable V remove(long key) {
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        V old = (V) values[i];
        removeAt(i);
        return old;
    }

    /** Calls {@code action} with every value, in no particular order. */
    @SuppressWarnings("unchecked")
    public void forEachValue(Consumer<V> action) {
        for (Object v : values) {
            if (v != null) {
                action.accept((V) v);
            }
        }
    }

    @Override
    Object[] newValues(int capacity) {
        return new Object[capacity];
    }

    @Override
    boolean occupied(Object[] values, int i) {
        return values[i] != null;
    }

    @Override
    void copy(Object[] from, int i, Object[] to, int j) {
        to[j] = from[i];
    }

    @Override
    void vacate(Object[] values, int i) {
        values[i] = null;
    }

    @Override
    void vacateAll(Object[] values) {
        Arrays.fill(values, null);
    }
}
