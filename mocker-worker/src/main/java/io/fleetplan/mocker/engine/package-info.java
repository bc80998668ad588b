/**
 * The simulated GPU engine: batch scheduling, KV block management with prefix reuse, Dynamo mocker timing models,
 * forward pass metrics and KV events. Driven by an injected clock, so the same engine runs in a worker process and
 * in {@code sim}'s virtual time.
 *
 * <p>Must not import: I/O ({@code java.io}, {@code java.nio.file}), gRPC, Netty or HTTP types, nor
 * {@code io.fleetplan.mocker.profile}: a profile's timing model is read there ({@code TimingModels}) and handed in.
 */
package io.fleetplan.mocker.engine;
