/**
 * Bit-exact reference model of minifloat and integer formats and MAC arithmetic.
 *
 * <ul>
 *   <li>{@link org.exmy.simulator.NumberFormat} / {@link org.exmy.simulator.FloatFormat} / {@link
 *       org.exmy.simulator.IntFormat}: exact decode and round-to-nearest-even encode of codes of
 *       3..8 bit floats (plain ExMy, ml_dtypes float8/float6/float4 types, custom bias/specials)
 *       and 2..8 bit integers; names parsed by {@link org.exmy.simulator.Formats}.
 *   <li>{@link org.exmy.simulator.Value}: exact dyadic values ({@code significand * 2^exponent})
 *       plus NaN / &plusmn;inf / -0.
 *   <li>{@link org.exmy.simulator.Products}, {@link org.exmy.simulator.AccumulatorSpec}, {@link
 *       org.exmy.simulator.MacModel}: exact products, the Kulisch accumulator geometry used by the
 *       hardware generator, and a cycle model of the MAC register.
 *   <li>{@link org.exmy.simulator.Quantizer}: per-tensor absmax quantization error statistics.
 * </ul>
 *
 * <p>Special-value behaviour of encoding follows ml_dtypes' {@code ConvertImpl} (see {@link
 * org.exmy.simulator.FloatFormat} for the table and the source files it was checked against).
 */
package org.exmy.simulator;
