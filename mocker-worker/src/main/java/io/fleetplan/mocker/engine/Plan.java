package io.fleetplan.mocker.engine;

import java.util.ArrayList;

/**
 * The work of one iteration, filled by {@link BatchScheduler#plan} and reused from iteration to iteration
 * (no per-iteration allocation beyond list growth).
 */
final class Plan {

    /** Sequences producing a token at the end of the iteration: decodes, then completed prefills. */
    final ArrayList<Sequence> emitters = new ArrayList<>();
    /** Prefill-role sequences whose prefill completed: their KV is handed off after the transfer time. */
    final ArrayList<Sequence> handoffs = new ArrayList<>();

    int numPrefill;
    long sumPrefillTokens;
    long sumPrefillKvTokens;
    double sumPrefillLength;
    double sumPrefillLengthSq;

    int numDecode;
    long sumDecodeKvTokens;
    double sumDecodeKvSq;

    void clear() {
        emitters.clear();
        handoffs.clear();
        numPrefill = 0;
        sumPrefillTokens = 0;
        sumPrefillKvTokens = 0;
        sumPrefillLength = 0;
        sumPrefillLengthSq = 0;
        numDecode = 0;
        sumDecodeKvTokens = 0;
        sumDecodeKvSq = 0;
    }

    boolean isEmpty() {
        return numPrefill == 0 && emitters.isEmpty() && handoffs.isEmpty();
    }

    void addPrefill(Sequence s, int chunk) {
        numPrefill++;
        sumPrefillTokens += chunk;
        sumPrefillKvTokens += s.computed;
        sumPrefillLength += s.target;
        sumPrefillLengthSq += (double) s.target * s.target;
    }

    void addDecode(Sequence s, int contextTokens) {
        numDecode++;
        sumDecodeKvTokens += contextTokens;
        sumDecodeKvSq += (double) contextTokens * contextTokens;
        s.plannedDecode = true;
        emitters.add(s);
    }

    void removeDecode(Sequence s, int contextTokens) {
        numDecode--;
        sumDecodeKvTokens -= contextTokens;
        sumDecodeKvSq -= (double) contextTokens * contextTokens;
        s.plannedDecode = false;
        emitters.remove(s);
    }

    ForwardPass.Scheduled scheduled() {
        return new ForwardPass.Scheduled(
                numPrefill,
                sumPrefillTokens,
                variance(numPrefill, sumPrefillLength, sumPrefillLengthSq),
                sumPrefillKvTokens,
                numDecode,
                sumDecodeKvTokens,
                variance(numDecode, sumDecodeKvTokens, sumDecodeKvSq));
    }

    /** Population variance from a count, a sum and a sum of squares (never negative). */
    static double variance(long n, double sum, double sumSq) {
        if (n <= 0) {
            return 0;
        }
        double mean = sum / n;
        return Math.max(0, sumSq / n - mean * mean);
    }
}
