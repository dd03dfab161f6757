package dev.sluice.core.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileWritesTest {

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {0, 1000, FileWrites.SLICE, Integer.MAX_VALUE})
  void writesEveryRemainingByteInSlicesAndLeavesTheBufferConsumedWithItsLimit(int slice)
      throws IOException {
    byte[] data = new byte[3 * FileWrites.SLICE + 123];
    new Random(1).nextBytes(data);
    ByteBuffer buffer = ByteBuffer.allocateDirect(data.length + 200);
    buffer.position(50);
    buffer.put(data);
    buffer.limit(50 + data.length).position(50);
    Path file = dir.resolve("out.bin");

    int written;
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(new byte[] {7}));
      written =
          slice == 0
              ? FileWrites.writeAll(channel, buffer) // the default slice
              : FileWrites.writeAll(channel, buffer, slice);
    }

    assertThat(written).isEqualTo(data.length);
    assertThat(buffer.position()).isEqualTo(50 + data.length);
    assertThat(buffer.limit()).isEqualTo(50 + data.length);
    byte[] onDisk = Files.readAllBytes(file);
    assertThat(onDisk[0]).isEqualTo((byte) 7);
    assertThat(Arrays.copyOfRange(onDisk, 1, onDisk.length)).isEqualTo(data);
  }
}
