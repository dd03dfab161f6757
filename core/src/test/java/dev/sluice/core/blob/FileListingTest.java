package dev.sluice.core.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file store's lazy walk in key order, with a window far smaller than the folders. */
class FileListingTest {

  @TempDir Path root;

  private List<String> walk(String prefix, String after, int window) {
    List<String> keys = new ArrayList<>();
    FileListing listing =
        new FileListing(
            root,
            prefix,
            after,
            (key, file) -> Optional.of(new BlobEntry(key, 0, "\"x\"", Instant.EPOCH, null)),
            window);
    listing.forEachRemaining(entry -> keys.add(entry.key()));
    return keys;
  }

  /** Creates {@code keys} as the store lays them out (empty files), shuffled. */
  private void create(List<String> keys) throws IOException {
    List<String> shuffled = new ArrayList<>(keys);
    Collections.shuffle(shuffled, new Random(42));
    for (String key : shuffled) {
      Path file = root;
      for (String segment : key.split("/")) {
        file = file.resolve(FileBlobStore.encode(segment));
      }
      Files.createDirectories(file.getParent());
      Files.createFile(file);
    }
  }

  @Test
  void foldersLargerThanTheWindowAreWalkedInKeyOrder() throws IOException {
    TreeSet<String> keys = new TreeSet<>(ObjectKeys.ORDER);
    for (int i = 0; i < 40; i++) {
      keys.add("k" + i);
      keys.add("d" + (i % 7) + "/f" + i);
      keys.add("d" + (i % 7) + "-" + i);
      keys.add("deep/" + (i % 3) + "/" + i + "/leaf");
    }
    create(List.copyOf(keys));
    for (int window : new int[] {1, 2, 3, 5, 1000}) {
      assertThat(walk("", "", window)).as("window %d", window).containsExactlyElementsOf(keys);
    }
  }

  @Test
  void aCursorAndAPrefixSkipWhatTheyRuleOutInEveryWindow() throws IOException {
    TreeSet<String> keys = new TreeSet<>(ObjectKeys.ORDER);
    for (int i = 0; i < 30; i++) {
      keys.add("a/" + i);
      keys.add("a-" + i);
      keys.add("a/b/" + i);
      keys.add("ab" + i);
    }
    create(List.copyOf(keys));
    for (int window : new int[] {1, 4, 1000}) {
      for (String after : List.of("", "a/1", "a/b", "a/b/", "a/b/29", "a-3", "zzz")) {
        for (String prefix : List.of("", "a", "a/", "a/b/", "ab", "b")) {
          List<String> expected =
              keys.tailSet(after, false).stream().filter(k -> k.startsWith(prefix)).toList();
          assertThat(walk(prefix, after, window))
              .as("prefix %s after %s window %d", prefix, after, window)
              .containsExactlyElementsOf(expected);
        }
      }
    }
  }

  @Test
  void theStoresOwnFilesAndNamesNoKeyMapsToAreSkipped() throws IOException {
    create(List.of("a", ".dot/x", "%/y"));
    Files.createDirectories(root.resolve(".sluice-meta/a"));
    Files.createFile(root.resolve(".sluice-0123.tmp"));
    Files.createFile(root.resolve("%2E.")); // would be the key ".."
    Files.createFile(root.resolve("%zz")); // not how any key is stored
    assertThat(walk("", "", 10)).containsExactly("%/y", ".dot/x", "a");
  }

  @Test
  void keysSortByCodePointNotByUtf16Unit() throws IOException {
    create(List.of("\ufffd", "\ud83d\ude00", "\u00e9", "z"));
    assertThat(walk("", "", 1)).containsExactly("z", "\u00e9", "\ufffd", "\ud83d\ude00");
  }
}
