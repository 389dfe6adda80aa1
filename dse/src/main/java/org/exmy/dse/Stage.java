package org.exmy.dse;

import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One stage of the sweep: its kind ({@code proof}, {@code cost}, {@code accuracy}), its cache key,
 * how to compute it and to encode it for the cache, and its result once known (loaded or computed).
 * The stages themselves are made in {@link Stages}; {@link StageRunner} runs them.
 */
final class Stage<T> {
  final String kind;
  final String key;
  final String what;
  private final Function<Properties, T> decode;
  private final Function<T, Properties> encode;
  private final Supplier<T> compute;
  private volatile T result;

  Stage(
      String kind,
      String key,
      String what,
      Function<Properties, T> decode,
      Function<T, Properties> encode,
      Supplier<T> compute) {
    this.kind = kind;
    this.key = key;
    this.what = what;
    this.decode = decode;
    this.encode = encode;
    this.compute = compute;
  }

  boolean load(ResultCache cache) {
    Optional<Properties> p = cache.get(kind, key);
    if (p.isEmpty()) return false;
    try {
      result = decode.apply(p.get());
      return true;
    } catch (RuntimeException bad) {
      return false; // an unreadable entry is computed again
    }
  }

  void compute(ResultCache cache) {
    T r = compute.get();
    result = r;
    cache.put(kind, key, encode.apply(r));
  }

  T result() {
    return result;
  }
}
