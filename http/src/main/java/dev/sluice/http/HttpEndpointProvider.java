package dev.sluice.http;

import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.endpoint.EndpointProvider;
import dev.sluice.http.internal.HttpSource;
import dev.sluice.http.internal.UploadStateFile;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code http://} and {@code https://} locations as sources: {@code sluice ingest https://… DST}
 * streams the download, resuming with {@code Range} + {@code If-Range} when the connection drops
 * (at most {@value HttpSource#DEFAULT_RETRIES} times); and as destinations: {@code sluice ingest
 * big.iso https://host/objects/KEY} uploads with a {@link ResumableUploadSink}.
 *
 * <p>Sink options: {@value #PROTOCOL} ({@code ietf} or {@code tus}), {@value #RETRIES}, {@value
 * #TOKEN} (else the {@code SLUICE_TOKEN} environment variable), {@value #RESUME} ({@code true}: the
 * upload URL is kept in a file beside the source, see {@link UploadStateFile}, and a later run
 * continues it), with {@link EndpointProvider#SOURCE_FILE} for resuming from the file.
 */
public final class HttpEndpointProvider implements EndpointProvider {

  /** Sink option: the upload protocol, {@code ietf} (default) or {@code tus}. */
  public static final String PROTOCOL = "protocol";

  /** Sink option: how many times a dropped upload is resumed. */
  public static final String RETRIES = "retries";

  /** Sink option: the bearer token (default: the {@code SLUICE_TOKEN} environment variable). */
  public static final String TOKEN = "token";

  /** Sink option: {@code true} to keep the upload URL beside the source file and continue it. */
  public static final String RESUME = "resume";

  /** The provider {@link java.util.ServiceLoader} makes. */
  public HttpEndpointProvider() {}

  @Override
  public boolean handles(String location) {
    String lower = location.toLowerCase(Locale.ROOT);
    return lower.startsWith("http://") || lower.startsWith("https://");
  }

  @Override
  public String forms() {
    return "http(s)://URL (downloads resume with Range; uploads are resumable: ietf or tus)";
  }

  @Override
  public Source openSource(String location, Map<String, String> options) throws IOException {
    return HttpSource.open(uri(location), HttpSource.DEFAULT_RETRIES);
  }

  @Override
  public Sink openSink(String location, Map<String, String> options) throws IOException {
    URI target = uri(location);
    String protocolName = options.getOrDefault(PROTOCOL, "ietf");
    ResumableUploadSink.Protocol protocol = ResumableUploadSink.Protocol.of(protocolName);
    ResumableUploadSink.Builder upload =
        ResumableUploadSink.builder(target)
            .protocol(protocol)
            .overwrite("true".equals(options.get(OVERWRITE)))
            .token(options.containsKey(TOKEN) ? options.get(TOKEN) : System.getenv("SLUICE_TOKEN"));
    if (options.containsKey(RETRIES)) {
      upload.retries(integer(RETRIES, options.get(RETRIES)));
    }
    if (options.containsKey(EXPECTED_SIZE)) {
      upload.length(Long.parseLong(options.get(EXPECTED_SIZE)));
    }
    String file = options.get(SOURCE_FILE);
    Path source = file == null ? null : Path.of(file);
    String sha256 = options.get(EXPECTED_SHA256);
    if (source != null) {
      upload.replay(offset -> openAt(source, offset));
      if (sha256 == null && protocol == ResumableUploadSink.Protocol.IETF) {
        sha256 = sha256Of(source); // the server checks the whole object before publishing it
      }
    }
    upload.sha256(sha256);
    if ("true".equals(options.get(RESUME))) {
      if (source == null) {
        throw new IllegalArgumentException(
            "--resume needs a file source: the bytes are read again from the file");
      }
      UploadStateFile state = UploadStateFile.beside(source, target, protocolName);
      Optional<URI> saved = state.saved();
      saved.ifPresent(upload::resume);
      upload.keepOnAbort(true).onCreated(state::save).onCompleted(u -> state.delete());
    }
    return upload.build();
  }

  private static SeekableByteChannel openAt(Path file, long offset) throws IOException {
    SeekableByteChannel channel = Files.newByteChannel(file);
    try {
      return channel.position(offset);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  private static String sha256Of(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a whole number: " + value, e);
    }
  }

  private static URI uri(String location) {
    try {
      return URI.create(location);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid URL '" + location + "': " + e.getMessage(), e);
    }
  }
}
