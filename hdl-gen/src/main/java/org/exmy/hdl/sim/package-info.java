/**
 * Verilator-via-JNI simulation backend: {@link org.exmy.hdl.sim.VerilatorSim} verilates and
 * compiles a Verilog module (cached by content hash under {@code $EXMY_CACHE/verilator} or {@code
 * ~/.cache/exmy/verilator}) and drives it in {@link org.exmy.hdl.sim.Batch}es, one JNI call per
 * batch. Depends on the JDK only; needs {@code verilator}, {@code g++} and {@code gcc} at run time.
 *
 * <p>Native layout: a generic JNI shim ({@code exmy_jni_shim.c}, compiled once per JDK) {@code
 * dlopen}s each model library with {@code RTLD_LOCAL} and calls its C entry points ({@code
 * exmy_create}, {@code exmy_run}, {@code exmy_destroy}), generated per model by {@code
 * WrapperSource} with the port packing unrolled. Every model library carries its own Verilator
 * runtime (compiled once per toolchain, with exmy's {@code $stop}/{@code $fatal} hooks from {@code
 * exmy_runtime.cpp}), so different models, even ones with the same module name, never share
 * symbols.
 *
 * <p>Throughput: {@link org.exmy.hdl.sim.SimBench}.
 */
package org.exmy.hdl.sim;
