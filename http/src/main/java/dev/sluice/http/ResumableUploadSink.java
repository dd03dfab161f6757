package dev.sluice.http;

import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import dev.sluice.core.job.ChunkPipe;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Uploads to a Sluice server (or any server speaking the protocol) as a resumable upload: the IETF
 * draft "Resumable Uploads for HTTP" ({@link Protocol#IETF}, the default) or tus 1.0 ({@link
 * Protocol#TUS}). The upload is created before the first byte goes (so its URL is known), then all
 * bytes go in one streamed {@code PATCH} when nothing fails; the sink's writes reach that request
 * through a {@link ChunkPipe} of a few chunks, so memory stays flat whatever the size.
 *
 * <p>When the connection drops, the sink asks the server for the offset it holds ({@code HEAD}) and
 * sends the rest from there, at most {@code retries} times, waiting {@code backoff}, then twice as
 * long each time (at most 30 s). A sink cannot rewind, so the bytes between the server's offset and
 * what was written are read again from the {@link Builder#replay replay} the caller gives (a file's
 * channel at an offset); without one (standard input) the sink resumes only when the server holds
 * every byte written, and fails otherwise with a message saying so.
 *
 * <p>The sink computes the SHA-256 of what it is written. When the expected digest is given ({@link
 * Builder#sha256}), the IETF creation sends it as {@code Repr-Digest} and the server publishes
 * nothing else; in any case the IETF answer's {@code sha256} is compared with the sink's.
 *
 * <p>One thread writes and ends the sink; {@link #abort} may come from any thread.
 */
public final class ResumableUploadSink implements Sink {

  /** The upload protocol spoken. */
  public enum Protocol {
    /** The IETF draft (-15): {@code Upload-Complete}, {@code application/partial-upload}. */
    IETF,
    /** tus 1.0: {@code Tus-Resumable}, {@code Upload-Length}, offset+octet-stream appends. */
    TUS;

    /** The protocol named {@code name} ({@code ietf} or {@code tus}, any case). */
    public static Protocol of(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "ietf" -> IETF;
        case "tus" -> TUS;
        default -> throw new IllegalArgumentException("protocol must be ietf or tus: " + name);
      };
    }
  }

  /** Opens the bytes written so far again from an offset, so a dropped upload can resume. */
  @FunctionalInterface
  public interface Replay {
    /** A channel positioned at {@code offset}; the sink closes it. */
    SeekableByteChannel openAt(long offset) throws IOException;
  }

  /** Retries of a dropped upload unless told otherwise. */
  public static final int DEFAULT_RETRIES = 8;

  private static final int CHUNK = 64 * 1024;
  private static final int CHUNKS = 4;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Pattern SHA256_FIELD =
      Pattern.compile("\"sha256\"\\s*:\\s*\"([0-9a-f]{64})\"");

  private static final Pattern SHA256_REPR = Pattern.compile("sha-256=:([A-Za-z0-9+/=]+):");
  private static final Pattern ERROR_FIELD =
      Pattern.compile("\"error\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(30))
          .executor(
              Executors.newThreadPerTaskExecutor(
                  Thread.ofVirtual().name("sluice-upload-", 0).factory()))
          .build();

  private final URI target;
  private final Protocol protocol;
  private final int retries;
  private final Duration backoff;
  private final String token;
  private final long length;
  private final String expectedSha256;
  private final Replay replay;
  private final boolean keepOnAbort;
  private final Consumer<URI> onCompleted;
  private final MessageDigest digest = sha256();

  private URI upload;
  private long skip; // bytes the server already held when this sink started
  private long accepted; // bytes written to the sink
  private volatile Attempt attempt;
  private boolean closing; // commit() closed the writes
  private volatile boolean published; // the server made the object visible
  private boolean completedMeanwhile; // the server had published when asked for the offset
  private int failures;
  private int resumptions;
  private volatile boolean ended;

  private ResumableUploadSink(Builder b) {
    this.target = b.target;
    this.protocol = b.protocol;
    this.retries = b.retries;
    this.backoff = b.backoff;
    this.token = b.token;
    this.length = b.length;
    this.expectedSha256 = b.sha256;
    this.replay = b.replay;
    this.keepOnAbort = b.keepOnAbort;
    this.onCompleted = b.onCompleted;
  }

  /**
   * Creates an IETF upload at {@code target} (e.g. {@code https://host/objects/isos/big.iso}) with
   * the defaults: no token, no replay (a drop resumes only what the server already holds).
   */
  public static ResumableUploadSink open(URI target) throws IOException {
    return builder(target).build();
  }

  /** A builder for an upload to {@code target}. */
  public static Builder builder(URI target) {
    return new Builder(target);
  }

  /** Settings of an upload; {@link #build()} creates it on the server (or finds it again). */
  public static final class Builder {
    private final URI target;
    private Protocol protocol = Protocol.IETF;
    private int retries = DEFAULT_RETRIES;
    private Duration backoff = Duration.ofMillis(250);
    private String token;
    private long length = -1;
    private String sha256;
    private Replay replay;
    private URI resume;
    private boolean overwrite;
    private boolean keepOnAbort;
    private Consumer<URI> onCreated = u -> {};
    private Consumer<URI> onCompleted = u -> {};

    private Builder(URI target) {
      String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        throw new IllegalArgumentException("an upload target must be an http(s) URL: " + target);
      }
      this.target = target;
    }

    /** The protocol (default IETF). */
    public Builder protocol(Protocol protocol) {
      this.protocol = Objects.requireNonNull(protocol);
      return this;
    }

    /** How many times a dropped upload is resumed before the sink fails (default 8). */
    public Builder retries(int retries) {
      if (retries < 0) {
        throw new IllegalArgumentException("retries must be >= 0: " + retries);
      }
      this.retries = retries;
      return this;
    }

    /** The wait before the first retry, doubled for each next one (default 250 ms). */
    public Builder backoff(Duration backoff) {
      this.backoff = Objects.requireNonNull(backoff);
      return this;
    }

    /** The bearer token sent with every request, or null for none. */
    public Builder token(String token) {
      this.token = token == null || token.isBlank() ? null : token;
      return this;
    }

    /** How many bytes will be written, when known (-1: unknown, the default). */
    public Builder length(long length) {
      this.length = length;
      return this;
    }

    /** The lowercase hex SHA-256 of the bytes to come, sent for the server to check (IETF). */
    public Builder sha256(String hex) {
      this.sha256 = hex == null ? null : hex.toLowerCase(Locale.ROOT);
      return this;
    }

    /** Where the bytes can be read again from an offset after a drop (e.g. the source file). */
    public Builder replay(Replay replay) {
      this.replay = replay;
      return this;
    }

    /**
     * Continues the upload at {@code upload} (a URL an earlier {@link #onCreated} got) instead of
     * creating one; the writes then start again from byte 0 and the sink skips what the server
     * already holds. When the server no longer knows it, a new upload is created.
     */
    public Builder resume(URI upload) {
      this.resume = upload;
      return this;
    }

    /** Whether an existing object at the target may be replaced (default no). */
    public Builder overwrite(boolean overwrite) {
      this.overwrite = overwrite;
      return this;
    }

    /**
     * Whether {@link #abort} leaves the upload on the server, to be {@linkplain #resume resumed}
     * (default no: it is cancelled with {@code DELETE}).
     */
    public Builder keepOnAbort(boolean keep) {
      this.keepOnAbort = keep;
      return this;
    }

    /** Called with the upload's URL once it exists, e.g. to save it for a later resume. */
    public Builder onCreated(Consumer<URI> onCreated) {
      this.onCreated = Objects.requireNonNull(onCreated);
      return this;
    }

    /** Called with the upload's URL after the object was published. */
    public Builder onCompleted(Consumer<URI> onCompleted) {
      this.onCompleted = Objects.requireNonNull(onCompleted);
      return this;
    }

    /** Creates the upload on the server (or finds the one to resume) and returns its sink. */
    public ResumableUploadSink build() throws IOException {
      ResumableUploadSink sink = new ResumableUploadSink(this);
      if (resume != null) {
        Held held = sink.resumeAt(resume);
        if (held != null && !held.complete()) {
          sink.upload = resume;
          sink.skip = held.offset();
          return sink;
        }
      }
      sink.upload = sink.create(overwrite);
      onCreated.accept(sink.upload);
      return sink;
    }
  }

  /** The upload's URL (its resource on the server). */
  public URI upload() {
    return upload;
  }

  /** How many times the upload resumed after a drop so far. */
  public int resumptions() {
    return resumptions;
  }

  /** How many bytes the server already held when this sink started (a resumed upload). */
  public long skipped() {
    return skip;
  }

  @Override
  public void write(ByteBuffer chunk) throws IOException {
    if (ended) {
      throw new IllegalStateException("write after the upload ended");
    }
    digest.update(chunk.duplicate());
    if (accepted < skip) {
      int drop = (int) Math.min(chunk.remaining(), skip - accepted);
      chunk.position(chunk.position() + drop);
      accepted += drop;
    }
    if (attempt == null && chunk.hasRemaining()) {
      attempt = start(accepted, accepted);
    }
    while (chunk.hasRemaining()) {
      int n = Math.min(chunk.remaining(), CHUNK);
      try {
        ByteBuffer buffer = attempt.pipe.claim();
        if (buffer == null) {
          buffer = ByteBuffer.allocate(CHUNK);
        }
        buffer.put(chunk.slice(chunk.position(), n)).flip();
        attempt.pipe.push(buffer);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        resume(e);
        continue; // the same bytes again, into the new attempt's pipe
      }
      chunk.position(chunk.position() + n);
      accepted += n;
    }
  }

  @Override
  public Receipt commit() throws IOException {
    if (ended) {
      throw new IllegalStateException("the upload already ended");
    }
    try {
      if (length >= 0 && accepted != length) {
        throw new IOException(
            "the upload to "
                + target
                + " was announced as "
                + length
                + " bytes but got "
                + accepted);
      }
      if (attempt == null) {
        attempt = start(accepted, accepted);
      }
      closing = true;
      HttpResponse<String> done = null;
      while (!completedMeanwhile) {
        attempt.pipe.close();
        try {
          done = attempt.outcome();
          break;
        } catch (InterruptedIOException e) {
          throw e;
        } catch (IOException e) {
          resume(e);
        }
      }
      if (protocol == Protocol.TUS && length < 0 && !completedMeanwhile) {
        done = declareLengthAndFinish();
      }
      published = true; // from here on, nothing to cancel
      String hex = HexFormat.of().formatHex(digest.digest());
      String stored;
      if (protocol == Protocol.IETF && done != null) {
        Matcher m = SHA256_FIELD.matcher(done.body());
        stored = m.find() ? m.group(1) : null;
      } else {
        stored = storedSha256(); // tus answers no digest: the object's HEAD has it
      }
      if (stored != null && !stored.equals(hex)) {
        throw new IOException(
            "the server stored "
                + target
                + " with SHA-256 "
                + stored
                + " but the bytes sent have "
                + hex);
      }
      ended = true;
      onCompleted.accept(upload);
      return Receipt.of(target.toString())
          .with("bytes", accepted)
          .with("sha256", hex)
          .with("upload", upload.toString())
          .with("resumptions", resumptions)
          .with("skipped", skip);
    } catch (IOException | RuntimeException e) {
      abort(e);
      throw e;
    }
  }

  @Override
  public void abort(Throwable cause) {
    if (ended) {
      return;
    }
    ended = true;
    if (attempt != null) {
      attempt.pipe.fail(cause);
      attempt.response.cancel(true);
    }
    if (!keepOnAbort && !published && upload != null) {
      try {
        CLIENT.send(request(upload).DELETE().build(), BodyHandlers.discarding());
      } catch (IOException e) {
        // the server expires it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // the protocol

  private URI create(boolean overwrite) throws IOException {
    HttpRequest.Builder b =
        request(target)
            .POST(BodyPublishers.ofByteArray(new byte[0]))
            .timeout(Duration.ofMinutes(1));
    if (protocol == Protocol.TUS) {
      if (length >= 0) {
        b.header("Upload-Length", Long.toString(length));
      } else {
        b.header("Upload-Defer-Length", "1");
      }
    } else {
      b.header("Upload-Complete", "?0");
      if (length >= 0) {
        b.header("Upload-Length", Long.toString(length));
      }
      if (expectedSha256 != null) {
        b.header(
            "Repr-Digest",
            "sha-256=:"
                + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(expectedSha256))
                + ":");
      }
    }
    if (!overwrite) {
      b.header("If-None-Match", "*");
    }
    HttpResponse<String> created = send(b.build());
    if (created.statusCode() != 201) {
      throw refused("creating an upload at " + target, created);
    }
    String location =
        created
            .headers()
            .firstValue("Location")
            .orElseThrow(() -> new IOException("the server created no upload at " + target));
    return target.resolve(location);
  }

  /** What the server holds of an upload: its offset, and whether it published it already. */
  private record Held(long offset, boolean complete) {}

  /**
   * What the server holds of the upload at {@code at}, or null if it does not know it (any more).
   */
  private Held resumeAt(URI at) throws IOException {
    HttpResponse<String> head = send(request(at).method("HEAD", BodyPublishers.noBody()).build());
    if (head.statusCode() == 404 || head.statusCode() == 410) {
      return null;
    }
    if (head.statusCode() / 100 != 2) {
      throw refused("asking the offset of " + at, head);
    }
    long offset =
        head.headers()
            .firstValueAsLong("Upload-Offset")
            .orElseThrow(() -> new IOException("the server sent no Upload-Offset for " + at));
    boolean complete =
        protocol == Protocol.TUS
            ? head.headers().firstValueAsLong("Upload-Length").orElse(-1) == offset
            : head.headers().firstValue("Upload-Complete").orElse("").trim().equals("?1");
    return new Held(offset, complete);
  }

  /** Starts the append that sends from {@code offset}: first the replay up to {@code upTo}. */
  private Attempt start(long offset, long upTo) throws IOException {
    ChunkPipe pipe = new ChunkPipe("upload to " + target, CHUNKS);
    SeekableByteChannel replayed = upTo > offset ? replay.openAt(offset) : null;
    AttemptBody body = new AttemptBody(replayed, upTo - offset, pipe);
    BodyPublisher publisher = BodyPublishers.ofInputStream(() -> body);
    if (length >= 0) {
      publisher = BodyPublishers.fromPublisher(publisher, length - offset);
    }
    HttpRequest.Builder b =
        request(upload).method("PATCH", publisher).header("Upload-Offset", Long.toString(offset));
    if (protocol == Protocol.TUS) {
      b.header("Content-Type", "application/offset+octet-stream");
    } else {
      b.header("Content-Type", "application/partial-upload").header("Upload-Complete", "?1");
    }
    CompletableFuture<HttpResponse<String>> response =
        CLIENT.sendAsync(b.build(), BodyHandlers.ofString());
    response.whenComplete(
        (r, e) -> {
          if (e != null) {
            pipe.cancel(e);
          } else if (r.statusCode() / 100 != 2) {
            pipe.cancel(refused("appending to " + upload, r));
          } else {
            pipe.cancel(new IOException("the server answered before the upload's end"));
          }
        });
    return new Attempt(pipe, response, body);
  }

  /**
   * After {@code cause} ended the running append: waits, asks the server's offset and starts the
   * append from there, or throws when the retries are used up or the bytes cannot be replayed.
   */
  private void resume(IOException cause) throws IOException {
    if (cause instanceof Refused refused && !refused.retryable()) {
      throw refused;
    }
    IOException last = cause;
    while (true) {
      attempt.pipe.cancel(last);
      attempt.settle();
      if (++failures > retries) {
        throw new IOException(
            "the upload to "
                + target
                + " failed after "
                + retries
                + (retries == 1 ? " retry" : " retries")
                + ": "
                + last.getMessage(),
            last);
      }
      pause(failures);
      Held held;
      try {
        held = resumeAt(upload);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        last = e;
        continue;
      }
      if (held == null) {
        throw new IOException("the server no longer knows the upload " + upload + " to " + target);
      }
      long offset = held.offset();
      if (held.complete()) {
        if (closing && offset == accepted) {
          completedMeanwhile = true; // the answer was lost, not the upload
          return;
        }
        throw new IOException(
            "the server completed the upload to "
                + target
                + " at "
                + offset
                + " bytes of "
                + accepted);
      }
      if (offset > accepted) {
        throw new IOException(
            "the server holds "
                + offset
                + " bytes of "
                + upload
                + " but only "
                + accepted
                + " were sent");
      }
      if (offset < accepted && replay == null) {
        throw new IOException(
            "the connection to "
                + target
                + " dropped: the server holds "
                + offset
                + " of the "
                + accepted
                + " bytes sent, and the source cannot be read again (standard input?);"
                + " upload from a file to resume",
            last);
      }
      resumptions++;
      attempt = start(offset, accepted);
      return;
    }
  }

  /** The hex SHA-256 the server's {@code HEAD} of the target reports, or null if none. */
  private String storedSha256() throws IOException {
    HttpResponse<String> head =
        send(request(target).method("HEAD", BodyPublishers.noBody()).build());
    String field = head.headers().firstValue("Repr-Digest").orElse("");
    Matcher m = SHA256_REPR.matcher(field);
    return head.statusCode() == 200 && m.find()
        ? HexFormat.of().formatHex(Base64.getDecoder().decode(m.group(1)))
        : null;
  }

  /** tus with a length unknown at creation: a last, empty PATCH declares it and completes. */
  private HttpResponse<String> declareLengthAndFinish() throws IOException {
    HttpResponse<String> done =
        send(
            request(upload)
                .method("PATCH", BodyPublishers.ofByteArray(new byte[0]))
                .header("Upload-Offset", Long.toString(accepted))
                .header("Upload-Length", Long.toString(accepted))
                .header("Content-Type", "application/offset+octet-stream")
                .build());
    if (done.statusCode() / 100 != 2) {
      throw refused("completing " + upload, done);
    }
    return done;
  }

  private void pause(int failure) throws InterruptedIOException {
    long millis = backoff.toMillis() << Math.min(failure - 1, 20);
    try {
      Thread.sleep(Math.min(millis, MAX_BACKOFF.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted waiting to resume the upload to " + target);
    }
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    if (protocol == Protocol.TUS) {
      b.header("Tus-Resumable", "1.0.0");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private static HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      return CLIENT.send(request, BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted: " + request.method() + " " + request.uri());
    }
  }

  private static Refused refused(String what, HttpResponse<String> response) {
    int status = response.statusCode();
    String body = response.body() == null ? "" : response.body().strip();
    Matcher error = ERROR_FIELD.matcher(body);
    if (error.find()) {
      body = error.group(1); // the server's problem details: its reason alone
    }
    if (body.length() > 300) {
      body = body.substring(0, 300) + "…";
    }
    boolean retryable = status >= 500 || status == 409 || status == 423 || status == 408;
    return new Refused(what + ": HTTP " + status + (body.isEmpty() ? "" : ": " + body), retryable);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "resumable upload (" + protocol.name().toLowerCase(Locale.ROOT) + ") to " + target;
  }

  /** The server refused a request; some refusals (5xx, offset conflicts) are worth a retry. */
  private static final class Refused extends IOException {
    private final boolean retryable;

    Refused(String message, boolean retryable) {
      super(message);
      this.retryable = retryable;
    }

    boolean retryable() {
      return retryable;
    }
  }

  /** One append request: the pipe feeding its body, and its response. */
  private record Attempt(
      ChunkPipe pipe, CompletableFuture<HttpResponse<String>> response, AttemptBody body) {

    /** The successful response, or the reason the append failed. */
    HttpResponse<String> outcome() throws IOException {
      HttpResponse<String> r;
      try {
        r = response.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted waiting for the upload's answer");
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        throw c instanceof IOException io ? io : new IOException(c.getMessage(), c);
      }
      if (r.statusCode() / 100 != 2) {
        throw refused("appending to " + r.request().uri(), r);
      }
      return r;
    }

    /** Waits (briefly) until the failed request let go of its body, and closes the replay. */
    void settle() {
      try {
        response.get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        response.cancel(true);
      }
      body.closeReplay();
    }
  }

  /** The body of one append: the replayed bytes first, then what the sink's writes push. */
  private static final class AttemptBody extends InputStream {
    private SeekableByteChannel replay;
    private long replayLeft;
    private final ChunkPipe pipe;

    AttemptBody(SeekableByteChannel replay, long replayLeft, ChunkPipe pipe) {
      this.replay = replay;
      this.replayLeft = replayLeft;
      this.pipe = pipe;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (replayLeft > 0) {
        ByteBuffer into = ByteBuffer.wrap(b, off, (int) Math.min(len, replayLeft));
        int n = replay.read(into);
        if (n < 0) {
          throw new IOException("the source ended before the bytes to send again");
        }
        replayLeft -= n;
        if (replayLeft == 0) {
          closeReplay();
        }
        return n;
      }
      return pipe.read(ByteBuffer.wrap(b, off, len));
    }

    synchronized void closeReplay() {
      if (replay != null) {
        try {
          replay.close();
        } catch (IOException e) {
          // read-only
        }
        replay = null;
      }
    }
  }
}
