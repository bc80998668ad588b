package io.fleetplan.common.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Suggests the closest known name for a misspelt one (edit distance). */
public final class DidYouMean {

    private DidYouMean() {}

    public static Optional<String> suggest(String given, Collection<String> known) {
        if (given == null) {
            return Optional.empty();
        }
        String g = given.toLowerCase(Locale.ROOT).replace('-', '_');
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(g, k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        int limit = Math.max(2, g.length() / 3);
        if (best == null || bestDistance > limit) {
            // "aggregated" for "agg": a known value that starts the given one (or the reverse) is a good guess
            for (String k : known) {
                String kl = k.toLowerCase(Locale.ROOT);
                if (kl.length() >= 3 && (g.startsWith(kl) || kl.startsWith(g))) {
                    return Optional.of(k);
                }
            }
        }
        return best != null && bestDistance <= limit ? Optional.of(best) : Optional.empty();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
