package io.fleetplan.pool.core;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * How many engines of one component serve, and since when: the observed-SLO step reads a window of finished
 * requests, and right after engines join, most of those requests ran (queued, decoded) before the new engines served.
 * Such a window shows the old size's shortfall, not the new one's: until the requests that started after the rise
 * have finished ({@code settle}), its completions are the earlier engines' work, and a miss in it is not evidence
 * that the new size is short. Without this a pool that scaled up on a miss added one more replica when its new worker
 * registered, and on engines whose idle latency leaves little room under the scale-down check it kept that replica
 * for good. One owner: the pool planner.
 */
final class ServingSince {

    private int count = -1;
    private int before;
    private @Nullable Instant since;

    /** Records the engines serving at {@code now}; a rise restarts the clock (the first count is no rise). */
    void observe(int serving, Instant now) {
        if (count >= 0 && serving > count) {
            before = count;
            since = now;
        }
        count = serving;
    }

    /** True once {@code settle} has passed since the last rise (or there was none). */
    boolean settled(Instant now, Duration settle) {
        return since == null || !now.isBefore(since.plus(settle));
    }

    /**
     * The engines that produced a window's completions: the serving count once settled, else the count before the
     * last rise.
     */
    int producing(Instant now, Duration settle) {
        return settled(now, settle) ? count : before;
    }
}
