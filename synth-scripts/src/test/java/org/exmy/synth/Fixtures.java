package org.exmy.synth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

final class Fixtures {
  private Fixtures() {}

  static String text(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing test resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies a resource into {@code dir} and returns the copy. */
  static Path copy(String name, Path dir) {
    try {
      Path p = dir.resolve(name);
      Files.writeString(p, text(name));
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
