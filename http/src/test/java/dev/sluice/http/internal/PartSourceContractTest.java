package dev.sluice.http.internal;

import dev.sluice.core.Source;
import dev.sluice.core.testing.SourceContract;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;

/**
 * The source contract, run against a multipart file part as the multipart parser feeds it: a
 * producer thread offers the content in slices of 7 bytes (a network chunk each), waiting until the
 * reader has taken each one, then ends the part.
 */
class PartSourceContractTest extends SourceContract {

  private static final int SLICE = 7;

  @Override
  protected Source newSource(byte[] content) {
    PartSource part = new PartSource("part 'contract.bin' of POST /objects");
    Thread.ofVirtual()
        .name("contract-part-producer")
        .start(
            () -> {
              try {
                for (int offset = 0; offset < content.length; offset += SLICE) {
                  int n = Math.min(SLICE, content.length - offset);
                  part.offer(ByteBuffer.wrap(content, offset, n).asReadOnlyBuffer());
                }
                part.end();
              } catch (InterruptedIOException e) {
                // the test ended
              }
            });
    return part;
  }
}
