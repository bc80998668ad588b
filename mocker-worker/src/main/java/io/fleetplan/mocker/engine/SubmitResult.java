package io.fleetplan.mocker.engine;

/**
 * Whether the engine took a request, and if not, why (with a message naming the field and the limit).
 *
 * @param outcome accepted or the rejection reason
 * @param message human-readable explanation; empty when accepted
 */
public record SubmitResult(Outcome outcome, String message) {

    /** Enumerated outcomes; everything but {@code ACCEPTED} maps to a gRPC error status. */
    public enum Outcome {
        ACCEPTED,
        /** zero or negative token counts, mismatched arrays: INVALID_ARGUMENT. */
        INVALID_ARGUMENT,
        /** the prompt (plus output) cannot fit the KV cache at all: INVALID_ARGUMENT. */
        TOO_LARGE,
        /** another model's name: NOT_FOUND. */
        UNKNOWN_MODEL,
        /** an in-flight request already uses this id: ALREADY_EXISTS. */
        DUPLICATE_ID,
        /** the engine is stopped: UNAVAILABLE. */
        STOPPED
    }

    public static final SubmitResult ACCEPTED = new SubmitResult(Outcome.ACCEPTED, "");

    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }

    static SubmitResult reject(Outcome outcome, String message) {
        return new SubmitResult(outcome, message);
    }
}
