package dev.sluice.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.testing.SourceContract;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class GeneratedSourceTest extends SourceContract {

  private static final long SEED = 42;

  /** The generator's bytes, taken one by one from {@link GeneratedSource#byteAt}, not read. */
  @Override
  protected byte[] content(int size) {
    GeneratedSource generator = new GeneratedSource(size, SEED);
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = generator.byteAt(i);
    }
    return bytes;
  }

  @Override
  protected Source newSource(byte[] content) {
    return Sources.generated(content.length, SEED);
  }

  @Test
  void theSameSizeAndSeedGiveTheSameBytesAndAnotherSeedOthers() throws IOException {
    int size = (1 << 20) + 100; // past one generated block
    assertThat(readAll(Sources.generated(size, 7), ByteBuffer.allocate(8192)))
        .isEqualTo(readAll(Sources.generated(size, 7), ByteBuffer.allocateDirect(1000)))
        .isNotEqualTo(readAll(Sources.generated(size, 8), ByteBuffer.allocate(8192)));
  }

  @Test
  void lengthCountsDownAsBytesAreRead() throws IOException {
    Source source = Sources.generated(100, 1);
    assertThat(source.length()).isEqualTo(100);
    source.read(ByteBuffer.allocate(30));
    assertThat(source.length()).isEqualTo(70);
  }

  @Test
  void aNegativeSizeIsRefusedWithTheRule() {
    assertThatThrownBy(() -> Sources.generated(-1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size must be >= 0: -1");
  }
}
