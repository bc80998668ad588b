package io.fleetplan.router.core;

import io.fleetplan.common.collect.LongObjectMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which worker holds which prompt prefix, built from the workers' KV events: a tree whose edges are token
 * hashes (one per block), each node holding the set of workers that cache that block, plus a per-worker
 * map from sequence hash to node so "removed" events and "stored under parent" find their node directly.
 * A worker's overlap with a request is the number of leading request blocks it holds, consecutively.
 *
 * <p>Workers are addressed by small integer slots (kept dense by {@link PoolRouter}) so worker sets are
 * bitsets. Not thread-safe: one owner.
 */
public final class PrefixIndex {

    private final Node root = new Node(0, null);
    private final List<LongObjectMap<Node>> lookups = new ArrayList<>();
    private long droppedEvents;

    /** Applies one KV event of the worker in {@code slot}. @return false if it referenced an unknown parent */
    public boolean apply(int slot, KvEvent event) {
        return switch (event) {
            case KvEvent.Stored s -> store(slot, s);
            case KvEvent.Removed r -> {
                remove(slot, r.blockHashes());
                yield true;
            }
            case KvEvent.Cleared c -> {
                clear(slot);
                yield true;
            }
        };
    }

    private boolean store(int slot, KvEvent.Stored s) {
        LongObjectMap<Node> lookup = lookup(slot);
        Node node = root;
        if (s.hasParent()) {
            node = lookup.get(s.parentHash());
            if (node == null) {
                // Dynamo drops such an event too: without the parent the blocks' position is unknown
                droppedEvents++;
                return false;
            }
        }
        for (int i = 0; i < s.blockHashes().length; i++) {
            node = node.child(s.tokensHashes()[i]);
            Node previous = lookup.put(s.blockHashes()[i], node);
            if (previous != null && previous != node) {
                release(previous, slot);
            }
            node.add(slot);
        }
        return true;
    }

    private void remove(int slot, long[] sequenceHashes) {
        LongObjectMap<Node> lookup = lookup(slot);
        for (long h : sequenceHashes) {
            Node node = lookup.remove(h);
            if (node != null) {
                release(node, slot);
            }
        }
    }

    /** Forgets everything the worker in {@code slot} holds (cleared cache, or the worker left). */
    public void clear(int slot) {
        if (slot >= lookups.size()) {
            return;
        }
        LongObjectMap<Node> lookup = lookups.get(slot);
        lookup.forEachValue(node -> release(node, slot));
        lookups.set(slot, new LongObjectMap<>(16));
    }

    private void release(Node node, int slot) {
        node.remove(slot);
        // prune empty leaves upwards so the tree does not grow without bound
        Node n = node;
        while (n.parent != null && n.workerCount == 0 && (n.children == null || n.children.isEmpty())) {
            LongObjectMap<Node> siblings = n.parent.children;
            if (siblings != null) { // never null: n is one of them
                siblings.remove(n.hash);
            }
            n = n.parent;
        }
    }

    /**
     * Overlap of each slot with the request: {@code scores[slot]} = consecutive leading blocks held.
     *
     * @param tokenHashes the request's block hashes, in order
     * @param scores      output, length at least {@link #slotCapacity()}; zeroed here
     */
    public void findMatches(long[] tokenHashes, int[] scores) {
        Arrays.fill(scores, 0);
        Node cur = root;
        long[] alive = null;
        for (int depth = 0; depth < tokenHashes.length; depth++) {
            Node next = cur.children == null ? null : cur.children.get(tokenHashes[depth]);
            if (next == null) {
                break;
            }
            if (alive == null) {
                alive = next.workers.clone();
            } else {
                boolean any = false;
                for (int w = 0; w < alive.length; w++) {
                    long nextWord = w < next.workers.length ? next.workers[w] : 0L;
                    long dropped = alive[w] & ~nextWord;
                    // workers that drop out here held exactly `depth` leading blocks
                    while (dropped != 0) {
                        int bit = Long.numberOfTrailingZeros(dropped);
                        scores[(w << 6) + bit] = depth;
                        dropped &= dropped - 1;
                    }
                    alive[w] &= nextWord;
                    any |= alive[w] != 0;
                }
                if (!any) {
                    return;
                }
            }
            cur = next;
        }
        if (alive != null) {
            int depth = depthOf(cur);
            for (int w = 0; w < alive.length; w++) {
                long word = alive[w];
                while (word != 0) {
                    int bit = Long.numberOfTrailingZeros(word);
                    scores[(w << 6) + bit] = depth;
                    word &= word - 1;
                }
            }
        }
    }

    private static int depthOf(Node node) {
        int d = 0;
        for (Node n = node; n.parent != null; n = n.parent) {
            d++;
        }
        return d;
    }

    /** Blocks the worker in {@code slot} holds according to its events (Dynamo's tree size). */
    public int treeSize(int slot) {
        return slot < lookups.size() ? lookups.get(slot).size() : 0;
    }

    /** Slots ever used + 1; the length a scores array needs. */
    public int slotCapacity() {
        return Math.max(64, ((lookups.size() + 63) >>> 6) << 6);
    }

    /** Stored events dropped because their parent block was unknown. */
    public long droppedEvents() {
        return droppedEvents;
    }

    /** Nodes in the tree below the root (a size measure for benchmarks and tests). */
    public long nodeCount() {
        long count = 0;
        ArrayList<Node> stack = new ArrayList<>();
        stack.add(root);
        while (!stack.isEmpty()) {
            Node n = stack.removeLast();
            if (n.children != null) {
                count += n.children.size();
                n.children.forEachValue(stack::add);
            }
        }
        return count;
    }

    private LongObjectMap<Node> lookup(int slot) {
        while (lookups.size() <= slot) {
            lookups.add(new LongObjectMap<>(16));
        }
        return lookups.get(slot);
    }

    private static final class Node {
        final long hash;
        final @Nullable Node parent;

        @Nullable
        LongObjectMap<Node> children;

        long[] workers = new long[1];
        int workerCount;

        Node(long hash, @Nullable Node parent) {
            this.hash = hash;
            this.parent = parent;
        }

        Node child(long tokenHash) {
            if (children == null) {
                children = new LongObjectMap<>(1);
            }
            Node c = children.get(tokenHash);
            if (c == null) {
                c = new Node(tokenHash, this);
                children.put(tokenHash, c);
            }
            return c;
        }

        void add(int slot) {
            int word = slot >>> 6;
            if (word >= workers.length) {
                workers = Arrays.copyOf(workers, word + 1);
            }
            long bit = 1L << (slot & 63);
            if ((workers[word] & bit) == 0) {
                workers[word] |= bit;
                workerCount++;
            }
        }

        void remove(int slot) {
            int word = slot >>> 6;
            if (word < workers.length) {
                long bit = 1L << (slot & 63);
                if ((workers[word] & bit) != 0) {
                    workers[word] &= ~bit;
                    workerCount--;
                }
            }
        }
    }
}
