package org.exmy.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** An external program that some tests need, and the Debian package that installs it. */
public enum Tool {
  VERILATOR("verilator", "verilator"),
  GXX("g++", "g++"),
  GCC("gcc", "gcc"),
  YOSYS("yosys", "yosys"),
  SLURMCTLD("slurmctld", "slurmctld"),
  SLURMD("slurmd", "slurmd"),
  SBATCH("sbatch", "slurm-client"),
  MUNGED("munged", "munge"),
  /** Not a program: the Fashion-MNIST files the accuracy tests read. */
  FASHION_MNIST(
      "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", "dataset-fashion-mnist");

  private final String command;
  private final String aptPackage;

  Tool(String command, String aptPackage) {
    this.command = command;
    this.aptPackage = aptPackage;
  }

  /**
   * The executable's name, looked up on the PATH (or, starting with '/', a file that must exist).
   */
  public String command() {
    return command;
  }

  /** The apt package that provides {@link #command()}. */
  public String aptPackage() {
    return aptPackage;
  }

  /** True when {@link #command()} is an executable file in a folder of the PATH. */
  public boolean available() {
    if (command.startsWith("/")) {
      return Files.isRegularFile(Path.of(command));
    }
    return onPath(command, System.getenv().getOrDefault("PATH", ""));
  }

  static boolean onPath(String command, String path) {
    for (String d : path.split(File.pathSeparator)) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, command);
      if (Files.isExecutable(p) && !Files.isDirectory(p)) return true;
    }
    return false;
  }
}
