package dev.sluice.core.delivery;

import dev.sluice.core.blob.Blob;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A {@code multipart/byteranges} body (RFC 9110 §14.6): for each range a delimiter, {@code
 * Content-Type} and {@code Content-Range} part headers, a blank line and the bytes; then the close
 * delimiter. The length is known before a byte is written; the parts stream from the blob.
 *
 * <pre>
 * --B CRLF Content-Type: t CRLF Content-Range: bytes a-b/s CRLF CRLF data
 * CRLF --B CRLF … data CRLF --B-- CRLF
 * </pre>
 */
final class MultipartByteRanges {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String boundary;
  private final String partType;
  private final List<ByteRange> ranges;
  private final long size;
  private final long contentLength;

  public MultipartByteRanges(String boundary, String partType, List<ByteRange> ranges, long size) {
    this.boundary = boundary;
    this.partType = partType;
    this.ranges = List.copyOf(ranges);
    this.size = size;
    long length = closeDelimiter().length;
    for (int k = 0; k < this.ranges.size(); k++) {
      length += partHeader(k).length + this.ranges.get(k).length();
    }
    this.contentLength = length;
  }

  /** A fresh random boundary: 24 hex digits, which no part's bytes are likely to contain. */
  public static String randomBoundary() {
    byte[] bytes = new byte[12];
    RANDOM.nextBytes(bytes);
    return "sluice-" + HexFormat.of().formatHex(bytes);
  }

  public String boundary() {
    return boundary;
  }

  /** {@code multipart/byteranges; boundary=…}. */
  public String contentType() {
    return "multipart/byteranges; boundary=" + boundary;
  }

  /** The exact number of bytes {@link #writeTo} writes. */
  public long contentLength() {
    return contentLength;
  }

  /** Writes the body, reading each range from {@code blob} with {@code open(offset, length)}. */
  public void writeTo(Blob blob, WritableByteChannel out, BufferLender buffers) throws IOException {
    for (int k = 0; k < ranges.size(); k++) {
      BlobCopy.writeFully(ByteBuffer.wrap(partHeader(k)), out);
      BlobCopy.copy(blob, ranges.get(k), out, buffers);
    }
    BlobCopy.writeFully(ByteBuffer.wrap(closeDelimiter()), out);
  }

  private byte[] partHeader(int k) {
    String header =
        (k == 0 ? "" : "\r\n")
            + "--"
            + boundary
            + "\r\nContent-Type: "
            + partType
            + "\r\nContent-Range: "
            + ranges.get(k).contentRange(size)
            + "\r\n\r\n";
    return header.getBytes(StandardCharsets.ISO_8859_1);
  }

  private byte[] closeDelimiter() {
    return ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }
}
