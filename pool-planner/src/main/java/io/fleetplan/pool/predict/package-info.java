/**
 * Load predictors (constant, Kalman, ARIMA, seasonal) and the traffic forecast that turns observed windows into the
 * next interval's request count, ISL and OSL, as Dynamo's planner does. Each predictor owns its observation buffer;
 * nothing here reads a clock or a file.
 *
 * <p>Must not import: I/O, gRPC, Netty, fabric8, HTTP or logging back-ends.
 */
package io.fleetplan.pool.predict;
