package dev.sluice.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.upload.NewUpload;
import dev.sluice.core.upload.Upload;
import dev.sluice.core.upload.UploadAppend;
import dev.sluice.core.upload.UploadStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The {@link SinkContract}, run against an {@link UploadAppend}: each sink is the first append to a
 * new upload of unknown length to {@link #KEY}; a commit's receipt carries the new offset, and what
 * it kept becomes the object on completion. A subclass's {@code newSink} appends, on its concrete
 * store (so the architecture rule sees which append it runs), to the upload {@link #newUpload}
 * made, and says how to read the object back and that no object is visible.
 *
 * {@snippet :
 * @Override
 * protected Sink newSink() throws IOException {
 *   return uploads.append(newUpload(uploads), 0);
 * }
 * }
 */
public abstract class UploadAppendContract extends SinkContract {

  /** The key every upload of the suite completes to. */
  protected static final String KEY = "contract/object.bin";

  private UploadStore uploads;
  private String id;

  /** Asserts that the object under {@link #KEY} holds exactly {@code expected}. */
  protected abstract void assertObject(byte[] expected, Receipt completion) throws IOException;

  /**
   * Creates an upload of unknown length to {@link #KEY} in {@code uploads} and returns its id; the
   * suite completes it when it checks a commit.
   */
  protected final String newUpload(UploadStore uploads) throws IOException {
    this.uploads = uploads;
    this.id =
        uploads
            .create(
                new NewUpload(
                    KEY,
                    Upload.UNKNOWN_LENGTH,
                    null,
                    null,
                    "owner",
                    Instant.now().plusSeconds(3600),
                    true,
                    null))
            .id();
    return id;
  }

  @Override
  protected final void assertCommitted(byte[] expected, Receipt receipt) throws IOException {
    assertThat(receipt.details()).containsEntry("offset", Integer.toString(expected.length));
    Receipt completion = uploads.complete(id);
    assertThat(completion.details()).containsEntry("offset", Integer.toString(expected.length));
    assertObject(expected, completion);
  }

  @Test
  void recordedSaysWhatTheUploadRecordsWithoutReadingItsBytes() throws IOException {
    Sink append = newSink();
    append.write(ByteBuffer.wrap(new byte[1000]));
    append.commit();

    Upload recorded = uploads.recorded(id).orElseThrow();
    assertThat(recorded.key()).isEqualTo(KEY);
    assertThat(recorded.owner()).isEqualTo("owner");
    assertThat(recorded.complete()).isFalse();
    assertThat(recorded.offset()).isZero(); // the offset is find's and settle's to read
    assertThat(uploads.find(id).orElseThrow().offset()).isEqualTo(1000);

    assertThat(uploads.cancel(id)).isTrue();
    assertThat(uploads.recorded(id)).isEmpty();
    assertThat(uploads.recorded("not an upload id")).isEmpty();
  }
}
