package dev.sluice.core.blob;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The sidecars a file store read lately, so that serving an object again reads and parses no file
 * for its metadata. A cached sidecar is given out only while it {@linkplain Sidecar#describes
 * describes} the data file's attributes as the caller just read them (size, modification time,
 * identity): the store writes a sidecar only with a new data file, which changes them, so a hit is
 * what reading the file would give. Bounded: one slot per hash of the path, a newly read sidecar
 * taking its slot from whatever held it. Thread-safe without locks; owned by its store.
 */
final class SidecarCache {

  private record Entry(Path path, Sidecar sidecar) {}

  private final AtomicReferenceArray<Entry> slots;

  /** A cache of at most {@code size} sidecars, a power of two. */
  SidecarCache(int size) {
    if (size <= 0 || Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("size must be a power of two: " + size);
    }
    this.slots = new AtomicReferenceArray<>(size);
  }

  /**
   * The sidecar at {@code path} if it describes the data file with {@code attributes}, from the
   * cache or else read (and then cached); empty when there is none, it cannot be read, or it
   * describes another version of the data.
   */
  Optional<Sidecar> read(Path path, BasicFileAttributes attributes) throws IOException {
    int slot = path.hashCode() & (slots.length() - 1);
    Entry cached = slots.get(slot);
    if (cached != null && cached.path().equals(path) && cached.sidecar().describes(attributes)) {
      return Optional.of(cached.sidecar());
    }
    Optional<Sidecar> read = Sidecar.readDescribing(path, attributes);
    read.ifPresent(found -> slots.set(slot, new Entry(path, found)));
    return read;
  }
}
