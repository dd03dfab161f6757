package dev.sluice.core.endpoint;

import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.blob.BlobStore;
import java.io.IOException;
import java.util.Map;

/**
 * Turns a location such as {@code s3://bucket/key} or {@code jdbc:postgresql://…} into a source or
 * a sink. Modules register implementations with {@link java.util.ServiceLoader} (a {@code
 * META-INF/services/dev.sluice.core.endpoint.EndpointProvider} file); the command line finds them
 * there.
 *
 * <p>Options are the command line's named options that apply to endpoints, e.g. {@code table},
 * {@code format}, {@code query}, {@code stream}, {@code create-table}, {@code s3-endpoint}: absent
 * keys mean "not given". A provider rejects options it needs but lacks with {@link
 * IllegalArgumentException} naming the option.
 *
 * <p>The command line also tells a sink what it knows of the bytes coming: {@value #EXPECTED_SIZE}
 * (their count, e.g. a file's size) and {@value #EXPECTED_SHA256} (their hex SHA-256, from {@code
 * --expect-sha256}); a sink may plan with them (S3: part size, metadata up front) and must still
 * check what actually arrives.
 */
public interface EndpointProvider {

  /** Option key: how many bytes the sink will receive, when known in advance. */
  String EXPECTED_SIZE = "expected-size";

  /** Option key: the lowercase hex SHA-256 of the bytes the sink will receive, when known. */
  String EXPECTED_SHA256 = "expected-sha256";

  /**
   * Option key: {@code "true"} when the command line allows replacing an existing destination
   * ({@code --force}). Without it a sink that would replace an object refuses with {@link
   * java.nio.file.FileAlreadyExistsException}, as a file destination does: one overwrite rule for
   * every destination.
   */
  String OVERWRITE = "overwrite";

  /**
   * Option key: the path of the local file the sink's bytes come from unchanged, when they do. A
   * sink that must send bytes again after a failure (a resumable upload) reads them there.
   */
  String SOURCE_FILE = "source-file";

  /** True if this provider handles {@code location}. */
  boolean handles(String location);

  /**
   * The location forms this provider reads or writes, for help and error messages, e.g. {@code
   * s3://BUCKET/KEY}; empty to list none.
   */
  default String forms() {
    return "";
  }

  /**
   * The store locations {@link #openStore} takes, for help and error messages, e.g. {@code
   * s3://BUCKET[/PREFIX]}; empty when the provider opens no store.
   */
  default String storeForms() {
    return "";
  }

  /** Opens {@code location} for reading. */
  default Source openSource(String location, Map<String, String> options) throws IOException {
    throw new IllegalArgumentException("cannot read from " + location + ": it is write-only");
  }

  /** Opens {@code location} for writing. */
  default Sink openSink(String location, Map<String, String> options) throws IOException {
    throw new IllegalArgumentException("cannot write to " + location + ": it is read-only");
  }

  /** Opens {@code location} as a blob store for the server ({@code --store}). */
  default BlobStore openStore(String location, Map<String, String> options) throws IOException {
    throw new IllegalArgumentException("cannot serve objects from " + location);
  }
}
