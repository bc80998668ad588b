/**
 * Small numeric helpers for the predictors and performance models (least squares, Nelder-Mead).
 *
 * <p>Must not import anything outside the JDK's {@code java.lang}/{@code java.util}.
 */
package io.fleetplan.pool.math;
