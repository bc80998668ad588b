/**
 * The GlobalRouter's pool choice: which pool (prefill/decode/agg grid) serves a request, and the retry order across
 * pools ({@link io.fleetplan.router.global.PoolAttempts}), shared by the live Frontend and {@code sim}'s replay.
 *
 * <p>Must not import: gRPC, Netty, HTTP or file I/O.
 */
package io.fleetplan.router.global;
