package dev.sluice.http.internal;

import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.FileBlob;
import dev.sluice.core.delivery.ByteRange;
import dev.sluice.core.delivery.DeliveryPlan;
import dev.sluice.core.job.TrackedTransfer;
import dev.sluice.http.internal.Throttle.Pace;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.util.Callback;

/**
 * A download body the kernel sends from the store's file straight into the connection's socket
 * ({@link FileChannel#transferTo}, {@code sendfile} on Linux): the server copies no byte of it and
 * holds no payload buffer; admission still counts it at {@link #ADMITTED_AS}.
 *
 * <p>Taken for a {@code GET} of a file-store object over cleartext HTTP/1.x whose answer is the
 * whole object or one range, sent as stored and unthrottled; a multipart range answer, gzip, a rate
 * (per transfer or global), another store, TLS, HTTP/2 or a connection behind the PROXY protocol
 * keep the buffered path of {@link Deliveries}.
 *
 * <p>Jetty 12 has no sendfile path, so the body goes around it, and Jetty's view of the exchange is
 * kept whole:
 *
 * <ol>
 *   <li>The head is committed and flushed through Jetty (an empty write that is not the last).
 *       Jetty counts the body bytes it is given against the response's {@code Content-Length} and
 *       fails an exchange that ends short ({@code HttpChannelState.ChannelResponse.write}: "written
 *       %d < %d content-length"), so the length is taken out of the response it checks and put
 *       back, by an {@link HttpStream} wrapper, into the head its HTTP/1.1 generator writes; the
 *       generator frames the message by that header and does not count the body.
 *   <li>The body goes out with {@code transferTo} on the connection's non-blocking {@link
 *       SocketChannel}. When the socket's buffer is full the kernel takes nothing: the next byte is
 *       then written through Jetty, which parks the handler until the socket takes it as it does
 *       for every write (on its selector, failed by the idle timeout or a broken connection), and
 *       the transfer goes on. No spinning, no selector of its own.
 *   <li>The response ends through Jetty like any other (its last write is empty): the connection
 *       stays persistent and Jetty reads the next request on it.
 * </ol>
 *
 * <p>Each send marks the end point not idle, as Jetty's own writes do, so its idle timeout means
 * the same on both paths: a client that stops reading times out on the one-byte write. Jetty's
 * count of body bytes, which the access log prints, misses those the kernel sent: {@link AccessLog}
 * adds them.
 */
final class Sendfile implements Deliveries.Body {

  /** The most one {@code transferTo} call sends (nginx's {@code sendfile_max_chunk}, 2 MiB). */
  static final int MAX_CHUNK = 2 * 1024 * 1024;

  /**
   * What admission counts against the memory budget for one download by sendfile. It holds no
   * buffer of its own, but it keeps its socket's send queue full of page-cache pages the kernel
   * cannot drop, and without a charge the budget would not bound it at all: 1,100 clients that
   * never read (issue 12's abuse run) were all admitted, held every connection until the idle
   * timeout, and left uploads unanswered in the accept queue. A quarter of a buffered download's
   * 256 KiB, so four times as many run at once within the same budget.
   */
  static final long ADMITTED_AS = 64 * 1024;

  private final Exchange exchange;
  private final FileBlob blob;
  private final ByteRange range;
  private final SocketChannelEndPoint endPoint;
  private final SocketChannel socket;
  private final TrackedTransfer transfer;
  private final ServerMetrics metrics;
  private final ByteBuffer nextByte = ByteBuffer.allocate(1);
  private long written;
  private volatile long direct; // of it, sent by the kernel; read by the access log

  private Sendfile(
      Exchange exchange,
      FileBlob blob,
      ByteRange range,
      SocketChannelEndPoint endPoint,
      TrackedTransfer transfer,
      ServerMetrics metrics) {
    this.exchange = exchange;
    this.blob = blob;
    this.range = range;
    this.endPoint = endPoint;
    this.socket = endPoint.getChannel();
    this.transfer = transfer;
    this.metrics = metrics;
  }

  /**
   * The end point whose socket {@code plan}'s body may be sent into with sendfile, or null when
   * this download takes the buffered path.
   */
  static SocketChannelEndPoint endPointFor(
      Exchange exchange, Blob blob, DeliveryPlan plan, boolean gzip, Pace pace) {
    boolean plain =
        "GET".equals(exchange.method())
            && blob instanceof FileBlob
            && (plan.kind() == DeliveryPlan.Kind.FULL || plan.kind() == DeliveryPlan.Kind.PARTIAL)
            && plan.ranges().size() == 1
            && plan.contentLength() > 0
            && !gzip
            && pace.unlimited();
    return plain ? endPointOf(exchange.request().getConnectionMetaData()) : null;
  }

  /**
   * The end point of a cleartext HTTP/1.x connection on a plain socket, or null (TLS, HTTP/2, an
   * upgraded connection, the PROXY protocol's end point).
   */
  static SocketChannelEndPoint endPointOf(ConnectionMetaData connection) {
    HttpVersion version = connection.getHttpVersion();
    if (connection.isSecure()
        || (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0)) {
      return null;
    }
    Connection http = connection.getConnection();
    EndPoint endPoint = http.getEndPoint();
    return endPoint.getConnection() == http && endPoint instanceof SocketChannelEndPoint plain
        ? plain
        : null;
  }

  /** The body of a download admitted for {@code endPoint} (see {@link #endPointFor}). */
  static Sendfile body(
      Exchange exchange,
      Blob blob,
      DeliveryPlan plan,
      SocketChannelEndPoint endPoint,
      TrackedTransfer transfer,
      ServerMetrics metrics) {
    return new Sendfile(
        exchange, (FileBlob) blob, plan.ranges().get(0), endPoint, transfer, metrics);
  }

  @Override
  public void write() throws IOException {
    FileChannel file = blob.openChannel();
    long length = range.length();
    exchange.response().getHeaders().remove(HttpHeader.CONTENT_LENGTH);
    LengthOnTheWire head = new LengthOnTheWire(length);
    exchange.request().addHttpStreamWrapper(head::wrap);
    AccessLog.sentAroundJetty(exchange.request(), () -> direct);
    // the head and the body leave in full segments (nginx's tcp_nopush); uncorked before the
    // response ends, which sends the last partial segment at once
    boolean corked = TcpCork.cork(socket);
    try {
      sendHeadAndBody(file, head, length);
    } finally {
      if (corked) {
        TcpCork.uncork(socket);
      }
    }
  }

  private void sendHeadAndBody(FileChannel file, LengthOnTheWire head, long length)
      throws IOException {
    head.armed = true;
    try {
      exchange.write(ByteBuffer.allocate(0), false); // commits and flushes the head
    } catch (IOException e) {
      throw ResponseChannel.translate(e, transfer, 0);
    } finally {
      head.armed = false;
    }
    long position = range.first();
    long end = position + length;
    while (position < end) {
      long start = System.nanoTime();
      long sent = send(file, position, end);
      boolean kernel = sent > 0;
      if (!kernel) {
        sent = writeNextByte(file, position, end); // the socket is full: wait for it in Jetty
      }
      metrics.chunkWritten(Direction.DOWNLOAD, ServerMetrics.CLIENT, System.nanoTime() - start);
      if (kernel) {
        endPoint.notIdle(); // as Jetty's own flush does: bytes moved
        metrics.bytesOutDirect(sent);
        direct += sent;
      } else {
        metrics.bytesOut(sent);
      }
      transfer.add(sent);
      written += sent;
      position += sent;
    }
  }

  /** Sends what the socket takes now of {@code position..end}, with sendfile; 0 when it is full. */
  private long send(FileChannel file, long position, long end) throws IOException {
    try {
      return file.transferTo(position, Math.min(MAX_CHUNK, end - position), socket);
    } catch (IOException e) {
      if (file.isOpen() && file.size() < end) {
        throw shrank(position, end, e);
      }
      // sendfile fails for the socket's sake (reset, broken pipe) or a cancel's interrupt
      throw ResponseChannel.translate(e, transfer, written);
    }
  }

  /**
   * Writes the byte at {@code position} through Jetty, which waits until the socket takes it.
   *
   * @return 1
   */
  private long writeNextByte(FileChannel file, long position, long end) throws IOException {
    nextByte.clear();
    int read;
    try {
      read = file.read(nextByte, position);
    } catch (IOException e) {
      if (transfer.cancelReason() != null) {
        throw ResponseChannel.translate(e, transfer, written); // a cancel's interrupt
      }
      throw e; // the store failed
    }
    if (read <= 0) {
      throw shrank(position, end, null);
    }
    nextByte.flip();
    try {
      exchange.write(nextByte, false);
    } catch (IOException e) {
      throw ResponseChannel.translate(e, transfer, written);
    }
    return 1;
  }

  private EOFException shrank(long position, long end, IOException cause) {
    EOFException e =
        new EOFException(
            "blob ended "
                + (end - position)
                + " bytes before the end of range "
                + range
                + " (it was "
                + blob.size()
                + " bytes when planned)");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  @Override
  public long written() {
    return written;
  }

  @Override
  public String toString() {
    return "sendfile(" + blob + " " + range + ")";
  }

  /**
   * Puts the body's {@code Content-Length} into the head Jetty's generator writes while {@link
   * #armed}: the head {@link #write} commits, never an error page Jetty may write instead.
   */
  private static final class LengthOnTheWire {
    private final long length;
    private volatile boolean armed;

    LengthOnTheWire(long length) {
      this.length = length;
    }

    HttpStream wrap(HttpStream stream) {
      return new HttpStream.Wrapper(stream) {
        @Override
        public void send(
            MetaData.Request request,
            MetaData.Response response,
            boolean last,
            ByteBuffer content,
            Callback callback) {
          super.send(
              request,
              armed && response != null ? withLength(response) : response,
              last,
              content,
              callback);
        }
      };
    }

    private MetaData.Response withLength(MetaData.Response response) {
      HttpFields.Mutable fields =
          HttpFields.build(response.getHttpFields()).put(HttpHeader.CONTENT_LENGTH, length);
      return new MetaData.Response(
          response.getStatus(),
          response.getReason(),
          response.getHttpVersion(),
          fields,
          length,
          response.getTrailersSupplier());
    }
  }
}
