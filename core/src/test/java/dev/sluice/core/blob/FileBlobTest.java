package dev.sluice.core.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.delivery.Delivery;
import dev.sluice.core.delivery.DeliveryPlan;
import dev.sluice.core.delivery.DeliveryRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlobTest {

  @TempDir Path dir;

  @Test
  void aPlainFileIsABlobWithAStableStrongTag() throws IOException {
    Path file = dir.resolve("page.html");
    Files.writeString(file, "<p>hello</p>");
    Instant time = Instant.parse("2026-11-20T12:00:00.123456Z");
    Files.setLastModifiedTime(file, FileTime.from(time));

    FileBlob blob = Blobs.file(file);
    assertThat(blob.size()).isEqualTo(12);
    assertThat(blob.lastModified()).isEqualTo(time);
    assertThat(blob.etag()).startsWith("\"c-").endsWith("\"").doesNotStartWith("W/");
    assertThat(Blobs.file(file).etag()).isEqualTo(blob.etag());
    assertThat(blob.sha256()).isEmpty();
    assertThat(blob.path()).isEqualTo(file);
    assertThat(blob).hasToString("file(" + file + ")");
  }

  @Test
  void theTagChangesWithTheContent() throws IOException {
    Path file = dir.resolve("f.bin");
    Files.writeString(file, "one");
    String before = Blobs.file(file).etag();
    Files.writeString(file, "three");
    assertThat(Blobs.file(file).etag()).isNotEqualTo(before);
  }

  @Test
  void anUnknownExtensionIsAnOctetStream() throws IOException {
    Path file = dir.resolve("data.sluice-unknown");
    Files.writeString(file, "x");
    assertThat(Blobs.file(file).contentType()).isEqualTo("application/octet-stream");
  }

  @Test
  void aMissingFileOrAFolderIsRefused() {
    assertThatThrownBy(() -> Blobs.file(dir.resolve("missing")))
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> Blobs.file(dir))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessage(dir + ": not a regular file");
  }

  @Test
  void openReadsOnlyTheRegionPositionally() throws IOException {
    Path file = dir.resolve("digits");
    Files.writeString(file, "0123456789");
    FileBlob blob = Blobs.file(file);
    try (ReadableByteChannel region = blob.open(3, 4)) {
      ByteBuffer buffer = ByteBuffer.allocate(100);
      assertThat(region.read(buffer)).isEqualTo(4);
      assertThat(region.read(buffer)).isEqualTo(-1);
      assertThat(new String(buffer.array(), 0, 4, "US-ASCII")).isEqualTo("3456");
    }
  }

  @Test
  void openChannelGivesTheFileForPositionalAndZeroCopyReads() throws IOException {
    Path file = dir.resolve("digits");
    Files.writeString(file, "0123456789");
    try (FileBlob blob = Blobs.file(file)) {
      FileChannel channel = blob.openChannel();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      channel.transferTo(5, 3, Channels.newChannel(out));
      assertThat(out.toString("US-ASCII")).isEqualTo("567");
    }
  }

  @Test
  void aFileRewrittenInPlaceSinceItWasFoundIsNotServed() throws IOException {
    Path file = dir.resolve("f");
    Files.writeString(file, "before");
    FileBlob blob = Blobs.file(file);
    Files.writeString(file, "after, and longer");
    assertThatThrownBy(blob::openChannel)
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("the file changed in place since it was found (was 6 bytes, ");
  }

  @Test
  void aDeliveryPlanStreamsAFileBlob() throws IOException {
    Path file = dir.resolve("alphabet.txt");
    Files.writeString(file, "abcdefghijklmnopqrstuvwxyz".repeat(10));
    FileBlob blob = Blobs.file(file);
    DeliveryPlan plan = Delivery.defaults().plan(DeliveryRequest.get("bytes=-3"), blob);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    plan.writeBody(blob, Channels.newChannel(out), ByteBuffer.allocateDirect(2));
    assertThat(out.toString("US-ASCII")).isEqualTo("xyz");
    assertThat(plan.headers()).containsEntry("Content-Range", "bytes 257-259/260");
  }
}
