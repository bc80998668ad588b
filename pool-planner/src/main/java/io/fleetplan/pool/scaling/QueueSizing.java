package io.fleetplan.pool.scaling;

/**
 * Prefill engines sized as a multi-server queue (M/M/c, Erlang C) rather than at a fixed share of their capacity.
 * A prompt meets the TTFT SLO when it finds a free engine within its waiting room: the SLO minus its own prefill
 * on an idle engine. The fewest engines c for which at most {@code lateFraction} of the prompts wait longer than
 * that is {@code P(W > w) = C(c, a) x exp(-(c mu - lambda) w) <= lateFraction}, with a = lambda / mu the offered
 * load in engines. Unlike a fixed utilisation this needs relatively more headroom for a few engines or a short
 * waiting room (long prompts) and less for many engines; exponential service times make it conservative for
 * prompts of one length and allow for the spread of prompt lengths and arrival bursts.
 */
public final class QueueSizing {

    /** No pool is sized beyond this many engines (the budget caps it long before). */
    static final int MAX_ENGINES = 10_000;

    private QueueSizing() {}

    /**
     * @param arrivalRps arrivals per second (lambda)
     * @param serviceRps prompts one engine prefills per second (mu = 1 / the mean prompt's idle prefill)
     * @param waitingRoomSeconds how long a prompt may wait for an engine (the SLO minus its own prefill)
     * @param lateFraction share of prompts allowed to wait longer than that, in (0, 1)
     * @return the fewest engines, at least the offered load rounded up; 0 when there is no traffic or no waiting
     *     room (the queue cannot size it: a prompt too long for the SLO misses on any number of engines)
     */
    public static int engines(double arrivalRps, double serviceRps, double waitingRoomSeconds, double lateFraction) {
        if (!(arrivalRps > 0)
                || !(serviceRps > 0)
                || !(waitingRoomSeconds > 0)
                || !(lateFraction > 0)
                || !Double.isFinite(arrivalRps)
                || !Double.isFinite(serviceRps)) {
            return 0;
        }
        double a = arrivalRps / serviceRps;
        int c = Math.max(1, (int) Math.floor(a) + 1); // a stable queue needs c > a
        double b = erlangB(c, a);
        while (c < MAX_ENGINES) {
            double waiting = c * b / (c - a * (1 - b)); // Erlang C from Erlang B
            double late = waiting * Math.exp(-(c * serviceRps - arrivalRps) * waitingRoomSeconds);
            if (late <= lateFraction) {
                return c;
            }
            c++;
            b = a * b / (c + a * b);
        }
        return MAX_ENGINES;
    }

    /** Erlang B by its recursion (stable for any c): B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)). */
    static double erlangB(int c, double a) {
        double b = 1;
        for (int k = 1; k <= c; k++) {
            b = a * b / (k + a * b);
        }
        return b;
    }
}
