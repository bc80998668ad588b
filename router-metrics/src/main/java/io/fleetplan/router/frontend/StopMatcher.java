package io.fleetplan.router.frontend;

import java.util.List;

/**
 * Finds the first of a request's stop sequences in its output text as the text arrives (OpenAI {@code stop}).
 * Text that could still be the start of a stop sequence is held back until the next piece decides it, so the
 * client never sees any part of a stop sequence: the output ends just before it. Single owner, no I/O.
 */
final class StopMatcher {

    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    StopMatcher(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /**
     * Adds generated text and returns what may be sent now.
     *
     * @param armed false while a stop sequence may not end the output yet (before min_tokens): the text is
     *              released as it is
     */
    String offer(String text, boolean armed) {
        if (stopped) {
            return "";
        }
        pending.append(text);
        if (!armed) {
            return flush();
        }
        int at = -1;
        for (String s : stops) {
            int i = pending.indexOf(s);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
            }
        }
        if (at >= 0) {
            stopped = true;
            String out = pending.substring(0, at);
            pending.setLength(0);
            return out;
        }
        int hold = heldBack();
        String out = pending.substring(0, pending.length() - hold);
        pending.delete(0, pending.length() - hold);
        return out;
    }

    /** The longest end of the pending text that begins some stop sequence. */
    private int heldBack() {
        int hold = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, pending.length()); k > hold; k--) {
                if (endsWith(s, k)) {
                    hold = k;
                    break;
                }
            }
        }
        return hold;
    }

    /** The pending text ends with the first {@code k} characters of {@code s}. */
    private boolean endsWith(String s, int k) {
        int from = pending.length() - k;
        for (int i = 0; i < k; i++) {
            if (pending.charAt(from + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The output ended without a stop sequence: whatever was held back is output after all. */
    String flush() {
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }

    /** A stop sequence was found: the output ends here. */
    boolean stopped() {
        return stopped;
    }
}
