package io.fleetplan.global.arbiter;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The scale commands of one target that were sent and have not completed or failed, in the order sent (executors
 * carry them out in that order), with the replicas each scale-down may be removing. An executor may already have
 * removed them without having said so (Kubernetes deletes pods as soon as the scale is written), so taking a
 * scale-down back before it completes must not count them as kept; an executor completes a scale-down when its
 * replicas are gone, or reports those still there. Owned by the arbiter's single writer.
 */
final class CommandsInFlight {

    private static final class Sent {
        final int from;
        final int to;
        /** Replicas it may remove: from - to for a scale-down, plus what a failed one before it did not remove. */
        int leaving;
        /** Sent after the executor's last report, so none of its replicas can be among those it reported leaving. */
        boolean sinceReport = true;

        Sent(int from, int to) {
            this.from = from;
            this.to = to;
            this.leaving = Math.max(0, from - to);
        }
    }

    private final List<Sent> sent = new ArrayList<>(2);
    private int leavingReported;
    private int leavingSinceReport;

    void add(int from, int to) {
        Sent s = new Sent(from, to);
        sent.add(s);
        leavingSinceReport += s.leaving;
    }

    /**
     * The command from {@code from} to {@code to} finished. The replicas a failed scale-down did not remove are
     * removed by the next scale-down in flight, if any (it goes from what is really there to its own target), so
     * they stay counted until that one finishes.
     */
    void finish(int from, int to, boolean failed) {
        for (int i = 0; i < sent.size(); i++) {
            Sent s = sent.get(i);
            if (s.from == from && s.to == to) {
                sent.remove(i);
                count(s, -s.leaving);
                Sent next = failed ? nextScaleDown(i) : null;
                if (next != null) {
                    next.leaving += s.leaving;
                    count(next, s.leaving);
                }
                return;
            }
        }
    }

    private @Nullable Sent nextScaleDown(int from) {
        for (int j = from; j < sent.size(); j++) {
            if (sent.get(j).to < sent.get(j).from) {
                return sent.get(j);
            }
        }
        return null;
    }

    private void count(Sent s, int delta) {
        if (s.sinceReport) {
            leavingSinceReport += delta;
        } else {
            leavingReported += delta;
        }
    }

    /** The executor reported the target: every command sent so far may be reflected in it. */
    void reported() {
        for (Sent s : sent) {
            s.sinceReport = false;
        }
        leavingReported += leavingSinceReport;
        leavingSinceReport = 0;
    }

    /**
     * Replicas possibly leaving beyond a grant, given {@code terminating} reported by the executor: those of
     * commands sent before its report may be among them, those sent since cannot be.
     */
    int leaving(int terminating) {
        return Math.max(terminating, leavingReported) + leavingSinceReport;
    }

    /** Highest target in flight, or {@code floor} if higher (pods may exist up to it). */
    int maxTarget(int floor) {
        int m = floor;
        for (int i = 0; i < sent.size(); i++) {
            m = Math.max(m, sent.get(i).to);
        }
        return m;
    }

    boolean isEmpty() {
        return sent.isEmpty();
    }

    void clear() {
        sent.clear();
        leavingReported = 0;
        leavingSinceReport = 0;
    }

    void copyInto(CommandsInFlight other) {
        for (Sent s : sent) {
            Sent c = new Sent(s.from, s.to);
            c.leaving = s.leaving;
            c.sinceReport = s.sinceReport;
            other.sent.add(c);
        }
        other.leavingReported = leavingReported;
        other.leavingSinceReport = leavingSinceReport;
    }
}
