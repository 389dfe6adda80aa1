package org.exmy.simulator;

/**
 * Quantization error statistics of one tensor.
 *
 * @param mse mean squared error {@code mean((x - q)^2)}
 * @param sqnrDb {@code 10 log10(mean(x^2) / mse)}; +Infinity when the error is zero
 * @param maxAbsError {@code max |x - q|}
 * @param saturated number of elements whose scaled value was outside the finite range (clipped)
 */
public record QuantStats(double mse, double sqnrDb, double maxAbsError, int saturated) {}
