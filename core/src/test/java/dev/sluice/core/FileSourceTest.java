package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.testing.SourceContract;
import dev.sluice.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest extends SourceContract {

  @TempDir Path dir;

  @Override
  protected Source newSource(byte[] content) throws IOException {
    Path file = Files.createTempFile(dir, "in", ".bin");
    Files.write(file, content);
    return Sources.file(file);
  }

  @Override
  protected void assertReleased(Source source) {
    assertThat(((FileSource) source).channel().isOpen()).as("file channel open").isFalse();
  }

  /** A region in the middle of a larger file reads as exactly that region. */
  @Nested
  class Region extends SourceContract {

    @Override
    protected Source newSource(byte[] content) throws IOException {
      Path file = Files.createTempFile(dir, "region", ".bin");
      byte[] before = TestData.random(17, 1);
      byte[] after = TestData.random(23, 2);
      Files.write(file, before);
      Files.write(file, content, java.nio.file.StandardOpenOption.APPEND);
      Files.write(file, after, java.nio.file.StandardOpenOption.APPEND);
      return Sources.file(file, before.length, content.length);
    }

    @Override
    protected void assertReleased(Source source) {
      FileSourceTest.this.assertReleased(source);
    }
  }
}
