package org.exmy.hdl.sim;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Verilates and compiles models into a content-addressed cache. Every artefact is built in a
 * private temporary folder and renamed into place, so concurrent JVMs never see half a build.
 */
final class ModelBuilder {
  static final String INCLUDE = "/usr/share/verilator/include";
  private static final List<String> CXXFLAGS = List.of("-O2", "-fPIC", "-std=c++17", "-w");
  private static final int TIMEOUT = 600;

  private ModelBuilder() {}

  private static String verilatorVersion;

  static synchronized String verilatorVersion() {
    if (verilatorVersion == null) {
      try {
        verilatorVersion = Tools.run(List.of("verilator", "--version"), Files.createTempDirectory("exmy-v"), 60).trim();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return verilatorVersion;
  }

  /** Path of the JNI shim library, compiled on first use. */
  static synchronized Path shim() {
    String src = resource("exmy_jni_shim.c");
    String javaHome = System.getProperty("java.home");
    Path dir = VerilatorSim.cacheDir().resolve("shim-" + hash(src, javaHome));
    Path lib = dir.resolve("libexmyjni.so");
    if (Files.exists(lib)) return lib;
    return buildAtomically(dir, tmp -> {
      Files.writeString(tmp.resolve("exmy_jni_shim.c"), src);
      List<String> cmd = new ArrayList<>(List.of("gcc", "-O2", "-shared", "-fPIC", "-I" + javaHome + "/include",
          "-I" + javaHome + "/include/linux", "exmy_jni_shim.c", "-o", "libexmyjni.so", "-ldl"));
      Tools.run(cmd, tmp, TIMEOUT);
    }).resolve("libexmyjni.so");
  }

  /** Verilator's runtime compiled once per Verilator version (position independent). */
  static synchronized List<Path> runtime() {
    Path dir = VerilatorSim.cacheDir().resolve("runtime-" + hash(verilatorVersion(), CXXFLAGS.toString()));
    List<String> units = List.of("verilated.cpp", "verilated_threads.cpp");
    if (!Files.exists(dir.resolve("verilated_threads.o"))) {
      buildAtomically(dir, tmp -> {
        for (String u : units) {
          List<String> cmd = new ArrayList<>(List.of("g++"));
          cmd.addAll(CXXFLAGS);
          cmd.addAll(List.of("-I" + INCLUDE, "-I" + INCLUDE + "/vltstd", "-c", INCLUDE + "/" + u, "-o",
              u.replace(".cpp", ".o")));
          Tools.run(cmd, tmp, TIMEOUT);
        }
      });
    }
    return units.stream().map(u -> dir.resolve(u.replace(".cpp", ".o"))).toList();
  }

  /** Builds (or finds) the model library; returns its path and whether it came from the cache. */
  static Path model(String verilog, String top, List<SimPort> inputs, List<SimPort> outputs, String clock,
      boolean[] cached) {
    String wrapper = WrapperSource.generate(top, inputs, outputs, clock);
    String key = hash(verilog, top, wrapper, clock == null ? "" : clock, verilatorVersion(), CXXFLAGS.toString());
    Path dir = VerilatorSim.cacheDir().resolve("model-" + top + "-" + key.substring(0, 24));
    Path lib = dir.resolve("libmodel.so");
    if (Files.exists(lib)) {
      cached[0] = true;
      return lib;
    }
    cached[0] = false;
    List<Path> rt = runtime();
    return buildAtomically(dir, tmp -> {
      Files.writeString(tmp.resolve(top + ".v"), verilog);
      Files.writeString(tmp.resolve("exmy_wrapper.cpp"), wrapper);
      Tools.run(List.of("verilator", "--cc", "-O3", "--x-assign", "fast", "--x-initial", "fast", "-Wno-fatal",
          "-Wno-lint", "-Wno-style", "--top-module", top, "--Mdir", "obj", top + ".v"), tmp, TIMEOUT);
      List<String> cmd = new ArrayList<>(List.of("g++"));
      cmd.addAll(CXXFLAGS);
      cmd.addAll(List.of("-shared", "-I" + INCLUDE, "-I" + INCLUDE + "/vltstd", "-Iobj", "-o", "libmodel.so",
          "exmy_wrapper.cpp"));
      try (Stream<Path> s = Files.list(tmp.resolve("obj"))) {
        s.map(Path::toString).filter(n -> n.endsWith(".cpp")).sorted()
            .forEach(n -> cmd.add(tmp.relativize(Path.of(n)).toString()));
      }
      for (Path o : rt) cmd.add(o.toString());
      cmd.add("-pthread");
      Tools.run(cmd, tmp, TIMEOUT);
      deleteTree(tmp.resolve("obj"));
    }).resolve("libmodel.so");
  }

  interface Build {
    void into(Path tmp) throws IOException;
  }

  private static Path buildAtomically(Path dir, Build build) {
    try {
      Files.createDirectories(dir.getParent());
      Path tmp = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".tmp");
      try {
        build.into(tmp);
        try {
          Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
          deleteTree(tmp); // another process finished first
        } catch (IOException e) {
          if (!Files.isDirectory(dir)) throw e;
          deleteTree(tmp);
        }
      } catch (RuntimeException e) {
        deleteTree(tmp);
        throw e;
      }
      return dir;
    } catch (IOException e) {
      throw new SimException("cannot build in " + dir + ": " + e.getMessage(), e);
    }
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) return;
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover temporary folder is harmless
    }
  }

  private static String resource(String name) {
    try (InputStream in = ModelBuilder.class.getResourceAsStream(name)) {
      if (in == null) throw new SimException("missing resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
