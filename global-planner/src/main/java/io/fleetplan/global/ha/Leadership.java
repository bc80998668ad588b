package io.fleetplan.global.ha;

import java.util.function.Consumer;

/** Whether this replica may decide, and where the leader is when it may not. */
public interface Leadership extends AutoCloseable {

    boolean isLeader();

    /** The leader's address for callers (host:port), empty when unknown. */
    String leaderAddress();

    /**
     * Starts taking part; {@code onChange} gets true when this replica becomes leader (after which the owner
     * rebuilds its ledger before answering) and false when it stops leading.
     */
    void start(Consumer<Boolean> onChange);

    @Override
    default void close() {}

    /** A single replica: always the leader. */
    static Leadership single(String address) {
        return new Leadership() {
            @Override
            public boolean isLeader() {
                return true;
            }

            @Override
            public String leaderAddress() {
                return address;
            }

            @Override
            public void start(Consumer<Boolean> onChange) {
                onChange.accept(true);
            }
        };
    }
}
