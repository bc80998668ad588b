package io.fleetplan.router.frontend;

import io.fleetplan.common.config.ConfigChecks;
import io.fleetplan.common.config.ConfigDoc;

/**
 * What one client connection may cost the Frontend ({@code http:} in the Frontend config). Without these a
 * body just under a large limit ran a 256 MB Frontend out of memory (the body is held, copied and parsed into
 * a tree), and connections that drip-fed their headers stayed open for as long as the client liked.
 */
public record HttpLimits(
        @ConfigDoc(
                value = "Largest request body (bytes); a larger one is answered 413.",
                shownDefault = "heap / 64 within 1..16 MiB")
        Integer maxBodyBytes,

        @ConfigDoc("A request line and headers must arrive within this (ms) of their first byte (or of the accept): "
                + "else 408 and close.")
        Integer headerTimeoutMs,

        @ConfigDoc("The whole body must arrive within this (ms) after the headers: else 408 and close.")
        Integer bodyTimeoutMs,

        @ConfigDoc("A keep-alive connection with no request in progress closes after this (ms).")
        Integer idleTimeoutMs) {

    private static final int MIB = 1024 * 1024;

    public HttpLimits {
        long heap = Runtime.getRuntime().maxMemory();
        ConfigChecks c = new ConfigChecks();
        c.between("max_body_bytes", maxBodyBytes, 1024, Integer.MAX_VALUE);
        c.check(
                maxBodyBytes == null || maxBodyBytes <= heap / 8,
                "max_body_bytes",
                maxBodyBytes,
                "must be at most heap / 8 = " + heap / 8 + " bytes (a body is held and parsed several times over)");
        c.between("header_timeout_ms", headerTimeoutMs, 10, 3_600_000);
        c.between("body_timeout_ms", bodyTimeoutMs, 10, 3_600_000);
        c.between("idle_timeout_ms", idleTimeoutMs, 10, 86_400_000);
        c.throwIfAny();
        maxBodyBytes = maxBodyBytes == null ? defaultMaxBodyBytes(heap) : maxBodyBytes;
        headerTimeoutMs = headerTimeoutMs == null ? 10_000 : headerTimeoutMs;
        bodyTimeoutMs = bodyTimeoutMs == null ? 30_000 : bodyTimeoutMs;
        idleTimeoutMs = idleTimeoutMs == null ? 60_000 : idleTimeoutMs;
    }

    public static HttpLimits defaults() {
        return new HttpLimits(null, null, null, null);
    }

    /** A sixty-fourth of the heap, between 1 and 16 MiB. */
    static int defaultMaxBodyBytes(long maxHeapBytes) {
        return (int) Math.max(MIB, Math.min(16L * MIB, maxHeapBytes / 64));
    }
}
