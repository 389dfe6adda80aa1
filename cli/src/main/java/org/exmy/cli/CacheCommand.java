package org.exmy.cli;

import java.io.PrintWriter;
import org.exmy.hdl.sim.ModelCache;
import org.exmy.hdl.sim.SimException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "cache",
    mixinStandardHelpOptions = true,
    description = {
      "Show or clear the Verilator model cache (info | clear).",
      "Compiled models live in $EXMY_CACHE/verilator (default ~/.cache/exmy/verilator), about "
          + "250 KB each. Least recently used models are evicted after a build once the folder is "
          + "larger than EXMY_CACHE_MAX bytes (K, M, G suffixes; default "
          + ModelCache.DEFAULT_MAX_TEXT
          + "); "
          + "a model that a running exmy uses is never evicted."
    },
    subcommands = {CacheCommand.Info.class, CacheCommand.Clear.class})
final class CacheCommand implements Runnable {
  @Spec CommandSpec spec;

  /** {@code exmy cache} alone: the usage, as a usage error. */
  @Override
  public void run() {
    throw new UsageException("name a cache command: info or clear (see 'exmy cache --help')");
  }

  /** The cap, with EXMY_CACHE_MAX checked: a bad value is bad input (exit 2). */
  static long cap() {
    try {
      return ModelCache.maxBytes();
    } catch (SimException e) {
      throw new UsageException(e.getMessage());
    }
  }

  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      description = {"Print the cache folder, its entries, their total size and the cap."})
  static final class Info implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      cap();
      ModelCache.Info i = ModelCache.info();
      PrintWriter o = spec.commandLine().getOut();
      o.println("path: " + i.dir());
      o.println("entries: " + i.entries() + " (" + i.models() + " models)");
      o.println("size: " + i.bytes() + " bytes (" + mib(i.bytes()) + ")");
      o.println(
          "cap: "
              + i.maxBytes()
              + " bytes ("
              + mib(i.maxBytes())
              + ", "
              + (System.getenv("EXMY_CACHE_MAX") == null ? "default" : "EXMY_CACHE_MAX")
              + ")");
      o.flush();
    }
  }

  @Command(
      name = "clear",
      mixinStandardHelpOptions = true,
      description = {"Remove every cache entry that no running exmy uses or builds."})
  static final class Clear implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
      ModelCache.Cleared c = ModelCache.clear();
      PrintWriter o = spec.commandLine().getOut();
      o.println(
          "removed "
              + c.removed()
              + " entries ("
              + c.bytes()
              + " bytes) from "
              + ModelCache.dir()
              + (c.kept() > 0 ? "; kept " + c.kept() + " in use" : ""));
      o.flush();
    }
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
