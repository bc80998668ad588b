package io.fleetplan.common.supervision;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * When to restart a process that exited on its own: the delay doubles with every crash that came soon after the
 * process started ({@code stableAfter}), from {@code firstDelay} up to {@code maxDelay}; a process that ran for
 * {@code stableAfter} or longer starts the count again. After {@code maxFastCrashes} fast crashes in a row it is
 * given up on (a broken command line or config would otherwise restart for ever). Pure: the caller passes the
 * times and keeps one instance per supervised process.
 */
public final class RestartBackoff {

    /** How restarts back off. {@code maxFastCrashes} {@code <= 0} = never give up. */
    public record Policy(Duration firstDelay, Duration maxDelay, Duration stableAfter, int maxFastCrashes) {
        public Policy {
            if (firstDelay.isNegative() || maxDelay.compareTo(firstDelay) < 0 || stableAfter.isNegative()) {
                throw new IllegalArgumentException("need 0 <= first_delay <= max_delay and stable_after >= 0, got "
                        + firstDelay + ", " + maxDelay + ", " + stableAfter);
            }
        }
    }

    /**
     * What to do about one exit.
     *
     * @param restart    false = given up
     * @param delay      wait this long before starting again
     * @param fastCrashes crashes in a row, each within {@code stableAfter} of its start (this one included)
     * @param reason     for the log line
     */
    public record Decision(boolean restart, Duration delay, int fastCrashes, String reason) {}

    private final Policy policy;
    private int fastCrashes;

    public RestartBackoff(Policy policy) {
        this.policy = policy;
    }

    /** The process started at {@code startedAt} exited at {@code exitedAt}. */
    public Decision exited(Instant startedAt, Instant exitedAt) {
        Duration ran = Duration.between(startedAt, exitedAt);
        if (ran.compareTo(policy.stableAfter()) >= 0) {
            fastCrashes = 0;
            return new Decision(
                    true,
                    policy.firstDelay(),
                    0,
                    "ran " + seconds(ran) + " s (stable), restarting after " + seconds(policy.firstDelay()) + " s");
        }
        fastCrashes++;
        if (policy.maxFastCrashes() > 0 && fastCrashes > policy.maxFastCrashes()) {
            return new Decision(
                    false,
                    Duration.ZERO,
                    fastCrashes,
                    fastCrashes + " crashes in a row, each within " + seconds(policy.stableAfter())
                            + " s of its start; giving up");
        }
        Duration delay = policy.firstDelay();
        for (int i = 1; i < fastCrashes && delay.compareTo(policy.maxDelay()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        if (delay.compareTo(policy.maxDelay()) > 0) {
            delay = policy.maxDelay();
        }
        return new Decision(
                true,
                delay,
                fastCrashes,
                "crash " + fastCrashes + " in a row after " + seconds(ran) + " s, restarting after " + seconds(delay)
                        + " s");
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }
}
