package org.exmy.hdl.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.exmy.base.AtomicWrite;

/**
 * Verilates and compiles models into a content-addressed cache under {@link ModelCache#dir()}.
 *
 * <ul>
 *   <li>{@code shim-<hash>/libexmyjni.so}: the generic JNI shim (per shim source and JDK).
 *   <li>{@code runtime-<hash>/*.o}: Verilator's runtime, compiled once per toolchain and flags.
 *   <li>{@code model-<top>-<hash>/libmodel.so}: one model; the hash covers the Verilog, top, ports,
 *       clock, the generated wrapper, the toolchain versions and the compiler flags.
 * </ul>
 *
 * <p>Each artefact is built in a private temporary folder next to its final place and renamed into
 * place, so no process ever sees half a build; a lock file per artefact ({@link CacheLocks}: an
 * exclusive lock to build or evict, a shared one to use) keeps concurrent JVMs and threads from
 * building the same thing twice and from evicting what another one uses. After each build the cache
 * is trimmed to its cap ({@link ModelCache}). A model is compiled as one translation unit (all
 * verilated .cpp files and the wrapper), which parses Verilator's headers once: about 1 s instead
 * of about 5 s for separate units.
 */
final class ModelBuilder {
  static final List<String> CXXFLAGS =
      List.of(
          "-O2",
          "-fPIC",
          "-std=gnu++17",
          "-faligned-new",
          "-fcf-protection=none",
          "-fvisibility=hidden",
          "-w",
          "-DVM_COVERAGE=0",
          "-DVM_SC=0",
          "-DVM_TRACE=0",
          "-DVM_TRACE_FST=0",
          "-DVM_TRACE_VCD=0");
  static final List<String> RUNTIME_DEFINES =
      List.of("-DVL_USER_FATAL", "-DVL_USER_STOP", "-DVL_USER_FINISH");
  static final List<String> VERILATOR_FLAGS =
      List.of(
          "--cc",
          "-O3",
          "--x-assign",
          "fast",
          "--x-initial",
          "fast",
          "-Wno-fatal",
          "-Wno-lint",
          "-Wno-style");
  private static final int TIMEOUT = 900;

  private static final AtomicInteger BUILDS = new AtomicInteger();
  private static final AtomicInteger RUNTIME_BUILDS = new AtomicInteger();
  private static final AtomicInteger SHIM_BUILDS = new AtomicInteger();

  /** This JVM's use of the loaded JNI shim: held until the JVM exits. */
  private static volatile CacheLocks.Use shimUse;

  private static volatile Toolchain toolchain;

  private ModelBuilder() {}

  /** Versions and include folder of the tools, found once per JVM. */
  record Toolchain(String verilatorVersion, Path include, String gccVersion) {
    String fingerprint() {
      return verilatorVersion + "|" + include + "|" + gccVersion;
    }
  }

  /**
   * The toolchain, probed once per JVM. Probing runs three tools (about 0.15 s), so the result is
   * also remembered on disk, keyed by the identity (path, size, mtime) of the executables and by
   * VERILATOR_ROOT: an upgraded tool changes the key and is probed again.
   */
  static Toolchain toolchain() {
    Toolchain t = toolchain;
    if (t == null) {
      synchronized (ModelBuilder.class) {
        t = toolchain;
        if (t == null) toolchain = t = probeCached();
      }
    }
    return t;
  }

  private static Toolchain probeCached() {
    String identity =
        identity("verilator")
            + identity("verilator_bin")
            + identity("g++")
            + "|VERILATOR_ROOT="
            + System.getenv().getOrDefault("VERILATOR_ROOT", "");
    Path memo = ModelCache.dir().resolve("toolchain-" + hash(identity).substring(0, 32) + ".txt");
    try {
      List<String> lines = Files.readAllLines(memo, StandardCharsets.UTF_8);
      if (lines.size() == 3 && Files.isRegularFile(Path.of(lines.get(1), "verilated.h"))) {
        return new Toolchain(lines.get(0), Path.of(lines.get(1)), lines.get(2));
      }
    } catch (IOException e) {
      // not probed yet
    }
    Toolchain t = probe();
    try {
      AtomicWrite.write(
          memo,
          t.verilatorVersion().replace('\n', ' ')
              + "\n"
              + t.include()
              + "\n"
              + t.gccVersion().replace('\n', ' ')
              + "\n");
    } catch (IOException e) {
      // only a missed shortcut
    }
    return t;
  }

  private static String identity(String tool) {
    Path p = Tools.onPath(tool);
    if (p == null) return tool + ":-;";
    try {
      Path real = p.toRealPath();
      return tool
          + ":"
          + real
          + ":"
          + Files.size(real)
          + ":"
          + Files.getLastModifiedTime(real).toMillis()
          + ";";
    } catch (IOException e) {
      return tool + ":" + p + ";";
    }
  }

  private static Toolchain probe() {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    String version = Tools.run(List.of("verilator", "--version"), tmp, 60).strip();
    String root = Tools.run(List.of("verilator", "--getenv", "VERILATOR_ROOT"), tmp, 60).strip();
    Path include = Path.of(root, "include");
    if (!Files.isRegularFile(include.resolve("verilated.h"))) {
      throw new SimException(
          "Verilator's runtime headers are missing: no verilated.h in "
              + include
              + " (VERILATOR_ROOT="
              + root
              + ")");
    }
    String gcc = Tools.run(List.of("g++", "-dumpfullversion"), tmp, 60).strip();
    return new Toolchain(version, include, gcc);
  }

  /** Number of model libraries this JVM has compiled (cache misses). */
  static int builds() {
    return BUILDS.get();
  }

  /**
   * Path of the JNI shim library, compiled on first use; this JVM uses it (see CacheLocks) until it
   * exits.
   */
  static synchronized Path shim() {
    String src = resource("exmy_jni_shim.c");
    String javaHome = System.getProperty("java.home");
    Path dir = ModelCache.dir().resolve("shim-" + hash(src, javaHome).substring(0, 32));
    Path lib = dir.resolve("libexmyjni.so");
    if (shimUse == null || !shimUse.entry().equals(dir)) {
      shimUse =
          useBuilt(
              dir,
              lib,
              () ->
                  buildOnce(
                      dir,
                      "libexmyjni.so",
                      tmp -> {
                        SHIM_BUILDS.incrementAndGet();
                        Files.writeString(tmp.resolve("exmy_jni_shim.c"), src);
                        Tools.run(
                            List.of(
                                "gcc",
                                "-O2",
                                "-shared",
                                "-fPIC",
                                "-I" + javaHome + "/include",
                                "-I" + javaHome + "/include/linux",
                                "exmy_jni_shim.c",
                                "-o",
                                "libexmyjni.so",
                                "-ldl"),
                            tmp,
                            TIMEOUT);
                      }));
    }
    return lib;
  }

  /**
   * Verilator's runtime (plus exmy's termination hooks), compiled once per toolchain and flags, and
   * taken in use (so that no other process removes it while a model links it): close the result.
   */
  static CacheLocks.Use runtime() {
    Toolchain tc = toolchain();
    String hooks = resource("exmy_runtime.cpp");
    Path dir =
        ModelCache.dir()
            .resolve(
                "runtime-"
                    + hash(tc.fingerprint(), CXXFLAGS.toString(), RUNTIME_DEFINES.toString(), hooks)
                        .substring(0, 32));
    List<String> objects = List.of("verilated.o", "verilated_threads.o", "exmy_runtime.o");
    return useBuilt(
        dir,
        dir.resolve("exmy_runtime.o"),
        () ->
            buildOnce(
                dir,
                "exmy_runtime.o",
                tmp -> {
                  RUNTIME_BUILDS.incrementAndGet();
                  Files.writeString(tmp.resolve("exmy_runtime.cpp"), hooks);
                  List<String> sources =
                      List.of(
                          tc.include() + "/verilated.cpp",
                          tc.include() + "/verilated_threads.cpp",
                          "exmy_runtime.cpp");
                  for (int k = 0; k < sources.size(); k++) {
                    List<String> cmd = new ArrayList<>(List.of("g++"));
                    cmd.addAll(CXXFLAGS);
                    cmd.addAll(RUNTIME_DEFINES);
                    cmd.addAll(
                        List.of(
                            "-I" + tc.include(),
                            "-I" + tc.include() + "/vltstd",
                            "-c",
                            sources.get(k),
                            "-o",
                            objects.get(k)));
                    Tools.run(cmd, tmp, TIMEOUT);
                  }
                }));
  }

  /** The runtime's object files in {@code dir}. */
  static List<Path> runtimeObjects(Path dir) {
    return List.of(
        dir.resolve("verilated.o"),
        dir.resolve("verilated_threads.o"),
        dir.resolve("exmy_runtime.o"));
  }

  /** Number of Verilator runtimes this JVM has compiled (cache misses). */
  static int runtimeBuilds() {
    return RUNTIME_BUILDS.get();
  }

  /** Number of JNI shims this JVM has compiled (cache misses). */
  static int shimBuilds() {
    return SHIM_BUILDS.get();
  }

  /**
   * Result of {@link #model}: the library, whether it was found in the cache, and this JVM's use of
   * its cache entry (close it when the model is closed).
   */
  record Model(Path library, boolean cached, CacheLocks.Use use) {}

  /** Builds (or finds in the cache) the model library and takes it in use. */
  static Model model(
      String verilog,
      String top,
      List<SimPort> inputs,
      List<SimPort> outputs,
      String clock,
      List<SimPort> allPorts) {
    Toolchain tc = toolchain();
    String wrapper = WrapperSource.generate(top, inputs, outputs, clock);
    String key =
        hash(
            verilog,
            top,
            allPorts.toString(),
            clock == null ? "" : clock,
            wrapper,
            tc.fingerprint(),
            VERILATOR_FLAGS.toString(),
            CXXFLAGS.toString(),
            RUNTIME_DEFINES.toString(),
            resource("exmy_runtime.cpp"));
    Path dir = ModelCache.dir().resolve("model-" + top + "-" + key.substring(0, 32));
    Path lib = dir.resolve("libmodel.so");
    boolean[] built = new boolean[1];
    CacheLocks.Use use =
        useBuilt(
            dir,
            lib,
            () -> {
              if (Files.isRegularFile(lib)) return;
              try (CacheLocks.Use rt = runtime()) {
                List<Path> objects = runtimeObjects(rt.entry());
                built[0] |=
                    buildOnce(
                        dir,
                        "libmodel.so",
                        tmp -> compileModel(tmp, verilog, top, wrapper, allPorts, tc, objects));
              }
            });
    if (built[0]) {
      BUILDS.incrementAndGet();
      try {
        ModelCache.evictOverCap(); // this model is in use, so it stays
      } catch (java.io.UncheckedIOException e) {
        // an unreadable cache folder is not this build's failure; the next build tries again
      }
    }
    return new Model(lib, !built[0], use);
  }

  private static void compileModel(
      Path tmp,
      String verilog,
      String top,
      String wrapper,
      List<SimPort> allPorts,
      Toolchain tc,
      List<Path> runtimeObjects)
      throws IOException {
    String file = top + ".v";
    Files.writeString(tmp.resolve(file), verilog);
    Files.writeString(tmp.resolve("exmy_wrapper.cpp"), wrapper);
    List<String> vcmd = new ArrayList<>(List.of("verilator"));
    vcmd.addAll(VERILATOR_FLAGS);
    vcmd.addAll(List.of("--top-module", top, "--Mdir", "obj", file));
    Tools.run(vcmd, tmp, TIMEOUT);
    checkPorts(tmp.resolve("obj").resolve("V" + top + ".h"), top, allPorts);

    StringBuilder unity = new StringBuilder("// exmy: the whole model as one translation unit\n");
    try (Stream<Path> s = Files.list(tmp.resolve("obj"))) {
      s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".cpp"))
          .sorted()
          .forEach(n -> unity.append("#include \"").append(n).append("\"\n"));
    }
    unity.append("#include \"../exmy_wrapper.cpp\"\n");
    Files.writeString(tmp.resolve("exmy_unity.cpp"), unity);

    List<String> cmd = new ArrayList<>(List.of("g++"));
    cmd.addAll(CXXFLAGS);
    cmd.addAll(
        List.of(
            "-shared",
            "-I" + tc.include(),
            "-I" + tc.include() + "/vltstd",
            "-Iobj",
            "-o",
            "libmodel.so",
            "exmy_unity.cpp"));
    for (Path o : runtimeObjects) cmd.add(o.toString());
    cmd.add("-pthread");
    Tools.run(cmd, tmp, TIMEOUT);
    deleteTree(tmp.resolve("obj"));
  }

  /** Builds an entry if it is missing. */
  private interface Ensure {
    void run();
  }

  /**
   * Takes {@code entry} in use once {@code product} is there: builds it with {@code ensure} if
   * needed, takes the shared lock, and checks again (another process may have evicted it in
   * between); touches its {@value ModelCache#LAST_USED} file. Gives up after three evictions in a
   * row.
   */
  private static CacheLocks.Use useBuilt(Path entry, Path product, Ensure ensure) {
    for (int attempt = 0; attempt < 3; attempt++) {
      ensure.run();
      CacheLocks.Use use;
      try {
        use = CacheLocks.use(entry);
      } catch (IOException e) {
        throw new SimException("cannot lock " + entry + ": " + e, e);
      }
      if (Files.isRegularFile(product)) {
        ModelCache.touch(entry);
        return use;
      }
      use.close();
    }
    throw new SimException(
        "other processes keep evicting "
            + entry.getFileName()
            + " from the model cache "
            + ModelCache.dir()
            + " right after it is built: raise EXMY_CACHE_MAX");
  }

  private static final Pattern PORT_DECL =
      Pattern.compile(
          "VL_(IN|OUT|INOUT)(8|16|64|W)?\\(&(\\w+),\\s*(\\d+),\\s*(\\d+)\\s*(?:,\\s*\\d+\\s*)?\\);");

  /**
   * Checks the declared port list against the ports Verilator generated (name, direction, width).
   */
  static void checkPorts(Path header, String top, List<SimPort> ports) throws IOException {
    Map<String, String> actual = new LinkedHashMap<>();
    Map<String, Integer> widths = new LinkedHashMap<>();
    Matcher m = PORT_DECL.matcher(Files.readString(header, StandardCharsets.UTF_8));
    while (m.find()) {
      actual.put(m.group(3), m.group(1));
      widths.put(
          m.group(3), Math.abs(Integer.parseInt(m.group(4)) - Integer.parseInt(m.group(5))) + 1);
    }
    List<String> problems = new ArrayList<>();
    for (SimPort p : ports) {
      String dir = actual.get(p.name());
      if (dir == null) {
        problems.add("'" + p.name() + "' is not a port of the module");
      } else if (!dir.equals(p.input() ? "IN" : "OUT")) {
        problems.add(
            "'"
                + p.name()
                + "' is declared "
                + (p.input() ? "input" : "output")
                + " but is "
                + dir.toLowerCase()
                + "put in the Verilog");
      } else if (widths.get(p.name()) != p.width()) {
        problems.add(
            "'"
                + p.name()
                + "' is declared "
                + p.width()
                + " bits wide but is "
                + widths.get(p.name())
                + " bits in the Verilog");
      }
    }
    if (!problems.isEmpty()) {
      StringBuilder sb = new StringBuilder();
      actual.forEach(
          (n, d) ->
              sb.append(sb.length() == 0 ? "" : ", ")
                  .append(d.toLowerCase())
                  .append("put ")
                  .append(n)
                  .append('[')
                  .append(widths.get(n))
                  .append(']'));
      throw new SimException(
          "port list does not match module "
              + top
              + ": "
              + String.join("; ", problems)
              + "\n  the module's ports: "
              + sb);
    }
  }

  interface Build {
    void into(Path tmp) throws IOException;
  }

  /**
   * Builds {@code dir} with {@code build} unless {@code dir/product} exists; true when this call
   * built it. Holds the entry's exclusive lock ({@link CacheLocks}) while checking and building,
   * builds in a temporary folder that the shutdown hook deletes if the JVM stops meanwhile, and
   * renames it into place atomically. Stale temporary folders of killed builds go first.
   */
  static boolean buildOnce(Path dir, String product, Build build) {
    Path target = dir.resolve(product);
    if (Files.isRegularFile(target)) return false;
    String name = dir.getFileName().toString();
    Path parent = dir.toAbsolutePath().getParent();
    boolean[] built = new boolean[1];
    try {
      CacheLocks.exclusive(
          dir,
          () -> Files.isRegularFile(target),
          () -> {
            ModelCache.removeStale(dir);
            if (Files.exists(
                dir)) { // damaged by hand (it only ever appears complete): move it aside
              Path junk = Files.createTempDirectory(parent, name + ".tmp");
              Files.move(dir, junk.resolve("old"));
              deleteTree(junk);
            }
            Path tmp = Files.createTempDirectory(parent, name + ".tmp");
            ShutdownCleanup.inFlight(tmp);
            try {
              build.into(tmp);
              if (!Files.isRegularFile(tmp.resolve(product))) {
                throw new SimException("building " + name + " produced no " + product);
              }
              Files.createFile(tmp.resolve(ModelCache.LAST_USED));
              try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                built[0] = true;
              } catch (IOException e) {
                if (!Files.isRegularFile(target))
                  throw e; // else: a builder of an older exmy won, same content
              }
            } finally {
              deleteTree(tmp);
              ShutdownCleanup.done(tmp);
            }
          });
    } catch (IOException e) {
      throw new SimException("cannot build in " + dir + ": " + e, e);
    } catch (IllegalStateException e) {
      throw new SimException(
          dir.getFileName()
              + " vanished from the model cache while this process used it"
              + " (deleted by hand?)",
          e);
    }
    return built[0];
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a leftover temporary folder is harmless
    }
  }

  private static final Map<String, String> RESOURCES = new ConcurrentHashMap<>();

  static String resource(String name) {
    return RESOURCES.computeIfAbsent(
        name,
        n -> {
          try (InputStream in = ModelBuilder.class.getResourceAsStream(n)) {
            if (in == null)
              throw new SimException("missing resource org/exmy/hdl/sim/" + n + " (broken jar?)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  static String hash(String... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String p : parts) {
        md.update(p.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
