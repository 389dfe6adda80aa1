package org.exmy.hdl.sim;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Locks on cache entries, across threads and processes. Each entry {@code NAME} has a lock file
 * {@code NAME.lock} next to it, kept as long as the entry exists:
 *
 * <ul>
 *   <li>building, evicting and clearing an entry hold an <em>exclusive</em> lock on it;
 *   <li>using an entry (from lookup until the model is closed, or for the whole JVM for the JNI
 *       shim, or while a model links the runtime) holds a <em>shared</em> lock, so no other process
 *       evicts or clears what this one uses. Whoever gets a lock checks the entry again, since it
 *       may have been built or removed meanwhile.
 * </ul>
 *
 * <p>A JVM may hold only one lock per file (Java throws on overlapping locks even when both are
 * shared), so uses are counted per entry and the JVM holds one shared lock for all of them; a
 * monitor per entry orders this JVM's threads.
 */
final class CacheLocks {
  private static final Map<String, Object> MONITORS = new ConcurrentHashMap<>();
  private static final Map<String, Held> USES = new ConcurrentHashMap<>();

  private CacheLocks() {}

  /** This JVM's shared lock on one entry and how many uses hold it. */
  private static final class Held {
    final FileChannel channel;
    int count;

    Held(FileChannel channel) {
      this.channel = channel;
    }
  }

  /** A use of an entry; {@link #close()} releases it (idempotent, any thread). */
  static final class Use implements AutoCloseable {
    private final Path entry;
    private boolean closed;

    private Use(Path entry) {
      this.entry = entry;
    }

    Path entry() {
      return entry;
    }

    @Override
    public void close() {
      String key = key(entry);
      synchronized (monitor(entry)) {
        if (closed) return;
        closed = true;
        Held h = USES.get(key);
        if (h != null && --h.count == 0) {
          USES.remove(key);
          try {
            h.channel.close(); // releases the lock
          } catch (IOException e) {
            // the lock goes with the channel anyway
          }
        }
      }
    }
  }

  static Object monitor(Path entry) {
    return MONITORS.computeIfAbsent(key(entry), k -> new Object());
  }

  static Path lockFile(Path entry) {
    Path abs = entry.toAbsolutePath();
    return abs.resolveSibling(abs.getFileName() + ".lock");
  }

  /** Takes a use of {@code entry}, waiting while another process builds or evicts it. */
  static Use use(Path entry) throws IOException {
    String key = key(entry);
    synchronized (monitor(entry)) {
      Held h = USES.get(key);
      if (h == null) {
        Files.createDirectories(entry.toAbsolutePath().getParent());
        FileChannel ch =
            FileChannel.open(
                lockFile(entry),
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE); // a shared lock needs a readable channel
        try {
          ch.lock(0, Long.MAX_VALUE, true);
        } catch (IOException | RuntimeException e) {
          ch.close();
          throw e;
        }
        h = new Held(ch);
        USES.put(key, h);
      }
      h.count++;
      return new Use(entry);
    }
  }

  /** True while a thread of this JVM uses {@code entry}. */
  static boolean usedHere(Path entry) {
    return USES.containsKey(key(entry));
  }

  interface Action {
    void run() throws IOException;
  }

  /**
   * Runs {@code action} holding the exclusive lock on {@code entry}, waiting for it, unless {@code
   * done} says (before and again under the lock) that there is nothing to do; true when it ran. A
   * thread of this JVM may use the entry only once it is done (a JVM cannot hold two locks on one
   * file).
   */
  @SuppressWarnings("try") // the lock is held by the try-with-resources, not used
  static boolean exclusive(Path entry, BooleanSupplier done, Action action) throws IOException {
    synchronized (monitor(entry)) {
      if (done.getAsBoolean()) return false;
      if (usedHere(entry)) throw new IllegalStateException(entry + " is in use by this JVM");
      Files.createDirectories(entry.toAbsolutePath().getParent());
      try (FileChannel ch =
              FileChannel.open(
                  lockFile(entry), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = ch.lock()) {
        if (done.getAsBoolean()) return false; // another process did it meanwhile
        action.run();
        return true;
      }
    }
  }

  /**
   * Runs {@code action} holding the exclusive lock on {@code entry} if nobody (no thread of this
   * JVM, no other process) builds or uses it; returns false, without waiting, otherwise.
   */
  static boolean tryExclusive(Path entry, Action action) throws IOException {
    synchronized (monitor(entry)) {
      if (usedHere(entry)) return false;
      try (FileChannel ch =
          FileChannel.open(lockFile(entry), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        FileLock lock;
        try {
          lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          return false;
        }
        if (lock == null) return false;
        try {
          action.run();
        } finally {
          lock.release();
        }
        return true;
      }
    }
  }

  private static String key(Path entry) {
    return entry.toAbsolutePath().normalize().toString();
  }
}
