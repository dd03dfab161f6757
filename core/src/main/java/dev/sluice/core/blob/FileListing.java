package dev.sluice.core.blob;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * The keys of a {@link FileBlobStore} in key order, walked lazily: a depth-first walk of the
 * folders in which each folder's children are visited in the order of the keys under them.
 *
 * <p>Key {@code a/b} is the file {@code b} in folder {@code a}; every key under folder {@code d}
 * starts with {@code d/}, so a folder sorts among its siblings as {@code name + "/"} and a file as
 * its name. A folder is never read whole into memory: each visit keeps at most {@link #WINDOW} of
 * its children, the smallest after the last one handed out, and reads the folder again for the next
 * window. Memory is {@code WINDOW} names per level of the walk whatever the number of keys; a
 * folder of more than {@code WINDOW} entries is read once per {@code WINDOW} of them.
 *
 * <p>Not thread-safe: one consumer. It holds no file open between calls.
 */
final class FileListing implements Iterator<BlobEntry> {

  /** The most children of one folder held at once. */
  static final int WINDOW = 1024;

  /** Describes the file holding {@code key}; empty if it is gone or not a blob. */
  interface Describer {
    Optional<BlobEntry> describe(String key, Path file) throws IOException;
  }

  /** A child of a folder: its stored name, and its key (plus "/" for a folder) for sorting. */
  private record Child(String name, String sortKey, boolean folder) {}

  private static final Comparator<Child> BY_KEY =
      (a, b) -> ObjectKeys.ORDER.compare(a.sortKey, b.sortKey);

  /** One folder on the walk's path: the window of children still to visit. */
  private static final class Frame {
    final Path dir;
    final String keyPrefix; // "" at the root, else "a/b/"
    final Deque<Child> window = new ArrayDeque<>();
    String lastVisited; // sort key of the last child taken from the window, or null
    boolean complete; // the window holds every remaining child: no need to read the folder again

    Frame(Path dir, String keyPrefix) {
      this.dir = dir;
      this.keyPrefix = keyPrefix;
    }
  }

  private final int window;
  private final String prefix;
  private final String after;
  private final Describer describer;
  private final Deque<Frame> path = new ArrayDeque<>();
  private BlobEntry next;

  FileListing(Path root, String prefix, String after, Describer describer) {
    this(root, prefix, after, describer, WINDOW);
  }

  /** A listing holding at most {@code window} children per folder (small in tests). */
  FileListing(Path root, String prefix, String after, Describer describer, int window) {
    this.window = window;
    this.prefix = prefix;
    this.after = after;
    this.describer = describer;
    path.push(new Frame(root, ""));
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      try {
        next = advance();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return next != null;
  }

  @Override
  public BlobEntry next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    BlobEntry entry = next;
    next = null;
    return entry;
  }

  private BlobEntry advance() throws IOException {
    while (!path.isEmpty()) {
      Frame frame = path.peek();
      if (frame.window.isEmpty() && !frame.complete) {
        refill(frame);
      }
      Child child = frame.window.poll();
      if (child == null) {
        path.pop();
        continue;
      }
      frame.lastVisited = child.sortKey;
      if (child.folder) {
        path.push(new Frame(frame.dir.resolve(child.name), child.sortKey));
        continue;
      }
      Optional<BlobEntry> entry = describer.describe(child.sortKey, frame.dir.resolve(child.name));
      if (entry.isPresent()) {
        return entry.get();
      }
    }
    return null;
  }

  /** Reads the folder for the smallest {@code window} children after the last one visited. */
  private void refill(Frame frame) throws IOException {
    PriorityQueue<Child> largestFirst = new PriorityQueue<>(BY_KEY.reversed());
    int candidates = 0;
    try (DirectoryStream<Path> children = Files.newDirectoryStream(frame.dir)) {
      for (Path file : children) {
        String name = file.getFileName().toString();
        String segment = decode(name);
        if (segment == null) {
          continue; // the store's own file, or a name no key maps to
        }
        Boolean folder = isFolder(file);
        if (folder == null) {
          continue;
        }
        String sortKey = frame.keyPrefix + segment + (folder ? "/" : "");
        if (frame.lastVisited != null
            && ObjectKeys.ORDER.compare(sortKey, frame.lastVisited) <= 0) {
          continue;
        }
        if (!(folder ? mayHold(sortKey) : wanted(sortKey))) {
          continue;
        }
        candidates++;
        largestFirst.add(new Child(name, sortKey, folder));
        if (largestFirst.size() > window) {
          largestFirst.poll();
        }
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      // removed while walking (its last object was deleted): nothing left in it
    }
    List<Child> smallest = new ArrayList<>(largestFirst);
    smallest.sort(BY_KEY);
    frame.window.addAll(smallest);
    frame.complete = candidates <= window;
  }

  /**
   * Whether the file {@code key} is listed: it starts with the prefix and sorts after the cursor.
   */
  private boolean wanted(String key) {
    return key.startsWith(prefix) && ObjectKeys.ORDER.compare(key, after) > 0;
  }

  /** Whether some key under the folder {@code folderPrefix} ("a/b/") may be listed. */
  private boolean mayHold(String folderPrefix) {
    boolean prefixFits = folderPrefix.startsWith(prefix) || prefix.startsWith(folderPrefix);
    boolean afterFits =
        ObjectKeys.ORDER.compare(folderPrefix, after) > 0 || after.startsWith(folderPrefix);
    return prefixFits && afterFits;
  }

  /** True for a folder, false for a file, null for anything else (or gone). */
  private static Boolean isFolder(Path file) {
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attributes.isDirectory()) {
        return true;
      }
      if (attributes.isSymbolicLink()) {
        return Files.isRegularFile(file) ? false : null;
      }
      return attributes.isRegularFile() ? false : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The key segment a stored name holds ({@link FileBlobStore} stores a leading {@code .} as {@code
   * %2E} and {@code %} as {@code %25}), or null for a name of the store's own ({@code .…}) or one
   * that no key is stored as.
   */
  static String decode(String name) {
    if (name.startsWith(".")) {
      return null;
    }
    String escaped = name.startsWith("%2E") ? "." + name.substring(3) : name;
    String segment = escaped.replace("%25", "%");
    if (segment.equals(".") || segment.equals("..")) {
      return null;
    }
    return FileBlobStore.encode(segment).equals(name) ? segment : null;
  }
}
