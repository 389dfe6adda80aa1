package org.exmy.hdl.sim;

/** The natives of the generic JNI shim (see {@code exmy_jni_shim.c}). */
final class NativeBridge {
  private NativeBridge() {}

  /**
   * Loads a model library and creates one model instance; throws IllegalStateException on failure.
   */
  static native long open(String libraryPath);

  /**
   * Runs {@code steps} steps: inputs packed per step in {@code in}, outputs written to {@code out}.
   */
  static native void run(long handle, int[] in, int[] out, int steps);

  static native void close(long handle);
}
