package dev.sluice.s3;

import dev.sluice.core.DigestMismatchException;
import dev.sluice.core.Receipt;
import dev.sluice.core.job.MemoryBudget;
import dev.sluice.core.job.MemoryExhaustedException;
import dev.sluice.core.upload.AppendTracker;
import dev.sluice.core.upload.NewUpload;
import dev.sluice.core.upload.Upload;
import dev.sluice.core.upload.UploadAppend;
import dev.sluice.core.upload.UploadException;
import dev.sluice.core.upload.UploadException.Problem;
import dev.sluice.core.upload.UploadPreconditions;
import dev.sluice.core.upload.UploadStore;
import dev.sluice.s3.internal.PartMemory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Resumable uploads into S3: one multipart upload per resumable upload, created on the target key
 * when the upload is, with parts of one fixed size (at least 5 MiB, so equal-sized parts suit every
 * S3-compatible store), and the bytes after the last whole part kept as a staging object.
 *
 * <p>Under the store's prefix, {@code .sluice-uploads/ID.upload} is the manifest (the upload, the
 * multipart upload's id, the part size) and {@code .sluice-uploads/ID.tail.N} is the tail that
 * follows part {@code N}. The offset is the size of parts 1..N ({@code ListParts}) plus the tail's,
 * {@code N} being the highest tail there is: an append uploads each part it fills and, when it
 * ends, writes the new tail under the new part count, then deletes the old tail. A crash between
 * the two leaves the newer tail in force; a crash before leaves the older one, and any part
 * uploaded after it is overwritten by the next append (and left out of the completion). An append
 * discarded for a checksum writes no tail, which rolls it back the same way. Completion uploads the
 * tail as the last part, completes the multipart upload ({@code If-None-Match: *} when overwriting
 * is refused) and stores the SHA-256 in the object's metadata with a server-side copy (objects up
 * to 5 GiB, the single-copy limit). Cancel and expiry abort the multipart upload.
 *
 * <p>An append holds one part in memory (the part size), an array it takes from a pool the store
 * keeps and gives back when it ends; a server's store ({@link #withMemory}) counts it in the
 * server's memory budget while the append runs. (Completion's tail part, read back into an array of
 * the pool, is not counted.) The whole-object SHA-256 is carried across appends in memory; after a
 * restart completion reads the completed object back to hash it, and, if a whole-object digest was
 * expected and differs, deletes it again.
 */
public final class S3UploadStore implements UploadStore {

  /** The smallest part S3 accepts but for the last. */
  public static final int MIN_PART_SIZE = 5 << 20;

  private static final int MAX_PARTS = 10_000;
  private static final String FOLDER = ".sluice-uploads/";
  private static final long MAX_SINGLE_COPY = 5L << 30;
  private static final int TAIL_LISTINGS = 3;

  private final S3Client client;
  private final S3Location root;
  private final Clock clock;
  private final int minPartSize;
  private final AppendTracker appends;
  private final PartPool partPool;
  private final MemoryBudget memory; // null: appends' parts are counted in no budget
  private final Duration memoryWait;

  /** What the store reads of one incomplete upload's parts and tail. */
  record State(Upload upload, String multipartId, int partSize, int parts, long tail) {}

  /**
   * Uploads under {@code root} (the blob store's {@code s3://bucket/prefix}), with parts of at
   * least {@code minPartSize} bytes (at least {@link #MIN_PART_SIZE}).
   */
  public S3UploadStore(S3Client client, S3Location root, Clock clock, int minPartSize) {
    if (minPartSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException(
          "minPartSize must be >= " + MIN_PART_SIZE + ": " + minPartSize);
    }
    String prefix = root.key();
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    this.client = client;
    this.root = new S3Location(root.bucket(), prefix);
    this.clock = clock;
    this.minPartSize = minPartSize;
    this.appends = new AppendTracker();
    this.partPool = new PartPool(2);
    this.memory = null;
    this.memoryWait = Duration.ZERO;
  }

  /** {@code store}, sharing its state, with parts counted in {@code memory}. */
  private S3UploadStore(S3UploadStore store, MemoryBudget memory, Duration wait) {
    this.client = store.client;
    this.root = store.root;
    this.clock = store.clock;
    this.minPartSize = store.minPartSize;
    this.appends = store.appends;
    this.partPool = store.partPool;
    this.memory = memory;
    this.memoryWait = wait;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: each append reserves its part (the part size; the array itself is on the heap) from
   * {@code memory} when it opens and gives it back when it ends. The result shares this store's
   * client and the appends' state.
   */
  @Override
  public S3UploadStore withMemory(MemoryBudget memory, Duration wait) {
    return new S3UploadStore(this, memory, PartMemory.requireWait(wait));
  }

  @Override
  public Upload create(NewUpload spec) throws IOException {
    Upload upload = Upload.of(spec, clock.instant());
    String id = upload.id();
    int partSize = partSize(spec.length());
    S3Location target = target(spec.key());
    try {
      String multipartId =
          client
              .createMultipartUpload(
                  b -> {
                    b.bucket(target.bucket()).key(target.key()).contentType(spec.contentType());
                    if (spec.expectedSha256() != null) {
                      b.metadata(Map.of("sha256", spec.expectedSha256()));
                    }
                  })
              .uploadId();
      put(tailKey(id, 0), new byte[0], 0);
      writeManifest(upload, multipartId, partSize);
    } catch (SdkException e) {
      throw new IOException("creating an upload to " + target + " failed: " + e.getMessage(), e);
    }
    return upload;
  }

  private int partSize(long length) {
    if (length <= 0) {
      return minPartSize;
    }
    long needed = (length + MAX_PARTS - 1) / MAX_PARTS;
    long mib = 1 << 20;
    return (int) Math.max(minPartSize, (needed + mib - 1) / mib * mib);
  }

  @Override
  public Optional<Upload> find(String id) throws IOException {
    return state(id).map(State::upload);
  }

  /**
   * The upload's state from S3, or empty when it has none (or lost a part of it). Read without the
   * upload's lock, it may overlap another request's completion, which completes the multipart
   * upload and deletes the tails before it marks the manifest complete: when the bytes are gone,
   * the manifest is read again, and a completed upload is reported as complete, not as none.
   */
  Optional<State> state(String id) throws IOException {
    Optional<State> state = stateOnce(id);
    if (state.isPresent()) {
      return state;
    }
    return manifest(id).flatMap(m -> recorded(m, 0)).filter(again -> again.upload().complete());
  }

  /** One reading of the upload's state: the manifest, then (if incomplete) its tail and parts. */
  private Optional<State> stateOnce(String id) throws IOException {
    Optional<Properties> manifest = manifest(id);
    Optional<State> recorded = manifest.flatMap(m -> recorded(m, 0));
    if (recorded.isEmpty() || recorded.get().upload().complete()) {
      return recorded;
    }
    Upload upload = recorded.get().upload();
    try {
      Optional<S3Object> latest = latestTail(id);
      if (latest.isEmpty()) {
        return Optional.empty(); // lost its tail: the upload cannot continue
      }
      int parts = tailParts(latest.get());
      long tail = latest.get().size();
      long inParts = 0;
      int contiguous = 0;
      for (Part part : listParts(upload.key(), recorded.get().multipartId())) {
        if (part.partNumber() <= parts) {
          inParts += part.size();
          contiguous++;
        }
      }
      if (contiguous != parts) {
        return Optional.empty();
      }
      State at = recorded(manifest.get(), inParts + tail).orElseThrow();
      return Optional.of(new State(at.upload(), at.multipartId(), at.partSize(), parts, tail));
    } catch (SdkException e) {
      if (S3ErrorsView.status(e) == 404) {
        return Optional.empty(); // the multipart upload is gone (aborted, expired by S3)
      }
      throw new IOException("reading upload " + id + " failed: " + e.getMessage(), e);
    }
  }

  /** The upload's manifest, or empty when it has none. */
  private Optional<Properties> manifest(String id) throws IOException {
    if (!Upload.isId(id)) {
      return Optional.empty();
    }
    try {
      return Optional.of(readManifest(id));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw new IOException("reading upload " + id + " failed: " + e.getMessage(), e);
    }
  }

  /** The upload {@code manifest} records, at {@code offset}, before its tail is read. */
  private static Optional<State> recorded(Properties manifest, long offset) {
    String multipartId = manifest.getProperty("multipartId");
    int partSize = Integer.parseInt(manifest.getProperty("partSize", "0"));
    return Upload.fromProperties(manifest, offset)
        .map(upload -> new State(upload, multipartId, partSize, 0, 0));
  }

  /**
   * The tail with the highest part count. An append writes its new tail before it deletes the old
   * one, but a listing that overlaps both (as a directory read on a file-system-backed store may)
   * can show neither: only a listing that overlapped a replacement misses both, so a few fresh
   * listings tell a tail in the middle of being replaced from a lost one.
   */
  private Optional<S3Object> latestTail(String id) {
    for (int listing = 0; listing < TAIL_LISTINGS; listing++) {
      Optional<S3Object> latest =
          listTails(id).stream().max(Comparator.comparingInt(S3UploadStore::tailParts));
      if (latest.isPresent()) {
        return latest;
      }
    }
    return Optional.empty();
  }

  private static int tailParts(S3Object tail) {
    return Integer.parseInt(tail.key().substring(tail.key().lastIndexOf('.') + 1));
  }

  @Override
  public Optional<Upload> recorded(String id) throws IOException {
    return manifest(id).flatMap(m -> recorded(m, 0)).map(State::upload);
  }

  @Override
  public Optional<Upload> settle(String id) throws IOException {
    return appends.settle(id, () -> find(id));
  }

  @Override
  public UploadAppend append(String id, long offset) throws IOException {
    return appends.exclusive(
        id,
        () -> {
          State state = existing(id);
          UploadPreconditions.requireAppendable(state.upload(), offset);
          MemoryBudget.Reservation reserved = reservePart(state.partSize());
          byte[] part = null;
          boolean handedOver = false;
          try {
            part = partPool.take(state.partSize()); // may fail too: the room goes back all the same
            int buffered = (int) state.tail();
            if (buffered > 0) {
              readFully(tailKey(id, state.parts()), part, buffered);
            }
            S3UploadAppend append =
                new S3UploadAppend(
                    this,
                    appends.lifecycle(id, offset, state.upload().length()),
                    state,
                    part,
                    reserved,
                    buffered,
                    appends.digestAt(id, offset));
            appends.started(append.lifecycle());
            handedOver = true;
            return append;
          } finally {
            if (!handedOver) { // whatever failed, an OutOfMemoryError included
              release(part, reserved);
            }
          }
        });
  }

  /**
   * Room in the budget for an append's part, or null without a budget.
   *
   * @throws MemoryExhaustedException if there is none within the wait
   */
  private MemoryBudget.Reservation reservePart(int partSize) throws IOException {
    return memory == null
        ? null
        : PartMemory.reserve(memory, partSize, memoryWait, "an upload part");
  }

  /**
   * Takes back the part array of an append that has ended (if it took one), and the room it had.
   */
  void release(byte[] part, MemoryBudget.Reservation reserved) {
    if (part != null) {
      partPool.give(part);
    }
    if (reserved != null) {
      reserved.close();
    }
  }

  /** Uploads part {@code number} of {@code state}'s multipart upload; returns its ETag. */
  String uploadPart(State state, int number, byte[] data, int length) throws IOException {
    S3Location target = target(state.upload().key());
    try {
      return client
          .uploadPart(
              b ->
                  b.bucket(target.bucket())
                      .key(target.key())
                      .uploadId(state.multipartId())
                      .partNumber(number)
                      .contentLength((long) length),
              RequestBody.fromInputStream(new ByteArrayInputStream(data, 0, length), length))
          .eTag();
    } catch (SdkException e) {
      throw new IOException(
          "uploading part " + number + " of upload " + state.upload().id() + " failed", e);
    }
  }

  /** Makes {@code data[0..length)} the tail after part {@code parts}, replacing the old tail. */
  void writeTail(State state, int parts, byte[] data, int length) throws IOException {
    String id = state.upload().id();
    try {
      put(tailKey(id, parts), data, length);
      if (parts != state.parts()) {
        delete(tailKey(id, state.parts()));
      }
    } catch (SdkException e) {
      throw new IOException("storing the tail of upload " + id + " failed", e);
    }
  }

  @Override
  public Upload declareLength(String id, long length) throws IOException {
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0: " + length);
    }
    return appends.exclusive(
        id,
        () -> {
          try {
            return declareLocked(id, length);
          } catch (SdkException e) {
            throw new IOException("declaring the length of upload " + id + " failed", e);
          }
        });
  }

  private Upload declareLocked(String id, long length) throws IOException {
    State state = existing(id);
    Upload upload = state.upload();
    if (!UploadPreconditions.needsDeclaring(upload, length)) {
      return upload;
    }
    if ((length + state.partSize() - 1) / state.partSize() > MAX_PARTS) {
      throw new UploadException(
          Problem.INCONSISTENT_LENGTH,
          "upload "
              + id
              + " cannot hold "
              + length
              + " bytes in "
              + MAX_PARTS
              + " parts of "
              + state.partSize());
    }
    Upload declared = upload.withLength(length);
    writeManifest(declared, state.multipartId(), state.partSize());
    return declared;
  }

  @Override
  public Receipt complete(String id) throws IOException {
    return appends.exclusive(id, () -> completeLocked(id));
  }

  private Receipt completeLocked(String id) throws IOException {
    State state = existing(id);
    Upload upload = state.upload();
    UploadPreconditions.requireCompletable(upload);
    byte[] running = appends.takeDigest(id, upload.offset());
    String sha256 = running != null ? HexFormat.of().formatHex(running) : null;
    if (sha256 != null
        && upload.expectedSha256() != null
        && !upload.expectedSha256().equalsIgnoreCase(sha256)) {
      cancel(id);
      throw new DigestMismatchException("sha256", upload.expectedSha256(), sha256);
    }
    S3Location target = target(upload.key());
    String etag;
    try {
      etag = completeMultipart(state, target);
    } catch (S3Exception e) {
      cancelQuietly(id);
      if (!upload.overwrite() && S3ErrorsView.status(e) == 412) {
        throw new FileAlreadyExistsException(
            upload.key(), null, "an object exists and overwrite is off");
      }
      throw new IOException("completing upload " + id + " failed: " + e.getMessage(), e);
    }
    try {
      if (sha256 == null) {
        sha256 = hashObject(target);
        if (upload.expectedSha256() != null && !upload.expectedSha256().equalsIgnoreCase(sha256)) {
          delete(target.key());
          discard(id);
          throw new DigestMismatchException("sha256", upload.expectedSha256(), sha256);
        }
      }
      if (upload.expectedSha256() == null && upload.offset() <= MAX_SINGLE_COPY) {
        String hex = sha256;
        etag =
            client
                .copyObject(
                    b ->
                        b.sourceBucket(target.bucket())
                            .sourceKey(target.key())
                            .destinationBucket(target.bucket())
                            .destinationKey(target.key())
                            .copySourceIfMatch(etagOf(target))
                            .metadataDirective(MetadataDirective.REPLACE)
                            .contentType(upload.contentType())
                            .metadata(Map.of("sha256", hex)))
                .copyObjectResult()
                .eTag();
      }
      for (S3Object tail : listTails(id)) {
        delete(tail.key());
      }
      writeManifest(upload.completed(sha256), state.multipartId(), state.partSize());
    } catch (SdkException e) {
      throw new IOException("completing upload " + id + " failed: " + e.getMessage(), e);
    }
    return Receipt.of(target.toString())
        .with("key", upload.key())
        .with("bytes", upload.offset())
        .with("sha256", sha256)
        .with("etag", etag)
        .with("upload", id)
        .with("offset", upload.offset());
  }

  private String completeMultipart(State state, S3Location target) throws IOException {
    String id = state.upload().id();
    List<CompletedPart> parts = new ArrayList<>();
    for (Part part : listParts(state.upload().key(), state.multipartId())) {
      if (part.partNumber() <= state.parts()) {
        parts.add(CompletedPart.builder().partNumber(part.partNumber()).eTag(part.eTag()).build());
      }
    }
    if (state.tail() > 0 || parts.isEmpty()) {
      int length = (int) state.tail();
      byte[] tail = partPool.take(state.partSize());
      try {
        if (length > 0) {
          readFully(tailKey(id, state.parts()), tail, length);
        }
        int number = state.parts() + 1;
        parts.add(
            CompletedPart.builder()
                .partNumber(number)
                .eTag(uploadPart(state, number, tail, length))
                .build());
      } finally {
        partPool.give(tail);
      }
    }
    return client
        .completeMultipartUpload(
            b -> {
              b.bucket(target.bucket())
                  .key(target.key())
                  .uploadId(state.multipartId())
                  .multipartUpload(m -> m.parts(parts));
              if (!state.upload().overwrite()) {
                b.ifNoneMatch("*");
              }
            })
        .eTag();
  }

  private String etagOf(S3Location target) {
    return client.headObject(b -> b.bucket(target.bucket()).key(target.key())).eTag();
  }

  private String hashObject(S3Location target) throws IOException {
    MessageDigest digest = AppendTracker.sha256();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = client.getObject(b -> b.bucket(target.bucket()).key(target.key()))) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  @Override
  public boolean cancel(String id) throws IOException {
    return appends.cancel(id, () -> discard(id));
  }

  private void cancelQuietly(String id) {
    try {
      discard(id);
    } catch (IOException | SdkException e) {
      // the completion's failure is the one to report; the sweeper tries again
    }
  }

  /** Aborts the multipart upload (if still open) and deletes the tails and the manifest. */
  private boolean discard(String id) throws IOException {
    appends.forget(id);
    Properties manifest;
    try {
      manifest = readManifest(id);
    } catch (NoSuchKeyException e) {
      return false;
    }
    try {
      Optional<Upload> upload = Upload.fromProperties(manifest, 0);
      String multipartId = manifest.getProperty("multipartId");
      if (upload.isPresent() && !upload.get().complete() && multipartId != null) {
        S3Location target = target(upload.get().key());
        try {
          client.abortMultipartUpload(
              b -> b.bucket(target.bucket()).key(target.key()).uploadId(multipartId));
        } catch (S3Exception e) {
          if (S3ErrorsView.status(e) != 404) {
            throw e;
          }
        }
      }
      for (S3Object tail : listTails(id)) {
        delete(tail.key());
      }
      delete(manifestKey(id));
      return true;
    } catch (SdkException e) {
      throw new IOException("cancelling upload " + id + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public List<Upload> list() throws IOException {
    List<Upload> all = new ArrayList<>();
    try {
      for (S3Object object :
          client
              .listObjectsV2Paginator(b -> b.bucket(root.bucket()).prefix(root.key() + FOLDER))
              .contents()) {
        String name = object.key().substring((root.key() + FOLDER).length());
        if (name.endsWith(".upload")) {
          find(name.substring(0, name.length() - ".upload".length())).ifPresent(all::add);
        }
      }
    } catch (SdkException e) {
      throw new IOException("listing uploads failed: " + e.getMessage(), e);
    }
    return all;
  }

  @Override
  public String toString() {
    return "S3UploadStore(" + root + ")";
  }

  private State existing(String id) throws IOException {
    return state(id).orElseThrow(() -> UploadPreconditions.notFound(id));
  }

  private List<S3Object> listTails(String id) {
    String prefix = root.key() + FOLDER + id + ".tail.";
    return client
        .listObjectsV2Paginator(b -> b.bucket(root.bucket()).prefix(prefix))
        .contents()
        .stream()
        .toList();
  }

  private List<Part> listParts(String key, String multipartId) {
    S3Location target = target(key);
    return client
        .listPartsPaginator(b -> b.bucket(target.bucket()).key(target.key()).uploadId(multipartId))
        .parts()
        .stream()
        .toList();
  }

  private void writeManifest(Upload upload, String multipartId, int partSize) {
    Properties p = upload.toProperties();
    p.setProperty("multipartId", multipartId);
    p.setProperty("partSize", Integer.toString(partSize));
    StringWriter out = new StringWriter();
    try {
      p.store(out, null);
    } catch (IOException e) {
      throw new IllegalStateException("writing to a string failed", e);
    }
    byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
    put(manifestKey(upload.id()), bytes, bytes.length);
  }

  private Properties readManifest(String id) throws IOException {
    Properties p = new Properties();
    byte[] bytes =
        client.getObjectAsBytes(b -> b.bucket(root.bucket()).key(manifestKey(id))).asByteArray();
    p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
    return p;
  }

  private void readFully(String key, byte[] into, int length) throws IOException {
    try (InputStream in = client.getObject(b -> b.bucket(root.bucket()).key(key))) {
      int read = in.readNBytes(into, 0, length);
      if (read != length) {
        throw new IOException("the tail " + key + " holds " + read + " bytes, not " + length);
      }
    } catch (SdkException e) {
      throw new IOException("reading " + key + " failed: " + e.getMessage(), e);
    }
  }

  private void put(String key, byte[] data, int length) {
    client.putObject(
        b -> b.bucket(root.bucket()).key(key).contentLength((long) length),
        RequestBody.fromInputStream(new ByteArrayInputStream(data, 0, length), length));
  }

  private void delete(String key) {
    client.deleteObject(b -> b.bucket(root.bucket()).key(key));
  }

  private S3Location target(String key) {
    return root.resolve(key);
  }

  private String manifestKey(String id) {
    return root.key() + FOLDER + id + ".upload";
  }

  private String tailKey(String id, int parts) {
    return root.key() + FOLDER + id + ".tail." + String.format("%05d", parts);
  }

  /** S3 error statuses, as the store's internals read them. */
  private static final class S3ErrorsView {
    static int status(Throwable e) {
      return e instanceof S3Exception s3 ? s3.statusCode() : -1;
    }
  }
}
