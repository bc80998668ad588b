package io.fleetplan.router.frontend;

import io.fleetplan.common.config.ConfigChecks;

/**
 * What one client connection may cost the Frontend ({@code http:} in the Frontend config). Without these a
 * body just under a large limit ran a 256 MB Frontend out of memory (the body is held, copied and parsed into
 * a tree), and connections that drip-fed their headers stayed open for as long as the client liked.
 *
 * @param maxBodyBytes    largest request body; a larger one is answered 413 (default: heap / 64, between 1 and
 *                        16 MiB: 4 MiB at the 256 MB heap of {@code fleetplan up}; a prompt at the default
 *                        131072-token limit is under 1 MB as token ids, about 0.5 MB as text)
 * @param headerTimeoutMs a request line and its headers must arrive within this from their first byte (or from
 *                        the connection's accept): else 408 and close (10000)
 * @param bodyTimeoutMs   the whole body must arrive within this after the headers: else 408 and close (30000)
 * @param idleTimeoutMs   a connection with no request in progress closes after this long (keep-alive; 60000)
 */
public record HttpLimits(Integer maxBodyBytes, Integer headerTimeoutMs, Integer bodyTimeoutMs, Integer idleTimeoutMs) {

    private static final int MIB = 1024 * 1024;

    public HttpLimits {
        long heap = Runtime.getRuntime().maxMemory();
        ConfigChecks c = new ConfigChecks();
        c.between("max_body_bytes", maxBodyBytes, 1024, Integer.MAX_VALUE);
        c.check(maxBodyBytes == null || maxBodyBytes <= heap / 8, "max_body_bytes", maxBodyBytes,
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
