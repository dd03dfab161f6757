package dev.sluice.core.upload;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * One upload's state, as the store holds it when read.
 *
 * @param id the unguessable id its resource is named by
 * @param key the object key it becomes on completion
 * @param length the declared total length, or {@link #UNKNOWN_LENGTH}
 * @param offset the bytes durably received so far
 * @param complete whether it has been completed (its object published)
 * @param contentType the media type to store
 * @param metadata opaque client metadata, or null
 * @param owner the identity that created it
 * @param created when it was created
 * @param expires when it may be swept
 * @param overwrite whether completion may replace an existing object
 * @param expectedSha256 the hex SHA-256 the whole object must have, or null
 * @param sha256 the hex SHA-256 of the published object once complete, else null
 */
public record Upload(
    String id,
    String key,
    long length,
    long offset,
    boolean complete,
    String contentType,
    String metadata,
    String owner,
    Instant created,
    Instant expires,
    boolean overwrite,
    String expectedSha256,
    String sha256) {

  /** The length of an upload whose length is not declared yet. */
  public static final long UNKNOWN_LENGTH = -1;

  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new upload for {@code spec} created at {@code created}: a fresh unguessable id, no bytes. */
  public static Upload of(NewUpload spec, Instant created) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return new Upload(
        HexFormat.of().formatHex(bytes),
        spec.key(),
        spec.length(),
        0,
        false,
        spec.contentType(),
        spec.metadata(),
        spec.owner(),
        created,
        spec.expires(),
        spec.overwrite(),
        spec.expectedSha256(),
        null);
  }

  /** Whether {@code id} has the form of an upload id (so a store may look it up). */
  public static boolean isId(String id) {
    return ID.matcher(id).matches();
  }

  /** Whether the total length is known. */
  public boolean lengthKnown() {
    return length != UNKNOWN_LENGTH;
  }

  /**
   * This upload as properties, for a store's manifest; the offset is left out (stores derive it
   * from the bytes they hold).
   */
  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("id", id);
    p.setProperty("key", key);
    p.setProperty("length", Long.toString(length));
    p.setProperty("complete", Boolean.toString(complete));
    p.setProperty("contentType", contentType);
    p.setProperty("owner", owner);
    p.setProperty("created", created.toString());
    p.setProperty("expires", expires.toString());
    p.setProperty("overwrite", Boolean.toString(overwrite));
    if (metadata != null) {
      p.setProperty("metadata", metadata);
    }
    if (expectedSha256 != null) {
      p.setProperty("expectedSha256", expectedSha256);
    }
    if (sha256 != null) {
      p.setProperty("sha256", sha256);
    }
    return p;
  }

  /**
   * The upload {@link #toProperties} wrote, with {@code offset} (a complete upload's offset is its
   * length), or empty when the properties are damaged: an upload lost, not one to guess at.
   */
  public static Optional<Upload> fromProperties(Properties p, long offset) {
    try {
      long length = Long.parseLong(p.getProperty("length"));
      boolean complete = Boolean.parseBoolean(p.getProperty("complete"));
      return Optional.of(
          new Upload(
              java.util.Objects.requireNonNull(p.getProperty("id")),
              java.util.Objects.requireNonNull(p.getProperty("key")),
              length,
              complete ? length : offset,
              complete,
              p.getProperty("contentType"),
              p.getProperty("metadata"),
              java.util.Objects.requireNonNull(p.getProperty("owner")),
              Instant.parse(p.getProperty("created")),
              Instant.parse(p.getProperty("expires")),
              Boolean.parseBoolean(p.getProperty("overwrite")),
              p.getProperty("expectedSha256"),
              p.getProperty("sha256")));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** This upload with {@code length} declared. */
  public Upload withLength(long length) {
    return new Upload(
        id,
        key,
        length,
        offset,
        complete,
        contentType,
        metadata,
        owner,
        created,
        expires,
        overwrite,
        expectedSha256,
        sha256);
  }

  /** This upload completed: its length is its offset, its object's SHA-256 {@code sha256}. */
  public Upload completed(String sha256) {
    return new Upload(
        id,
        key,
        offset,
        offset,
        true,
        contentType,
        metadata,
        owner,
        created,
        expires,
        overwrite,
        expectedSha256,
        sha256);
  }

  /** Whether it expired at {@code now}. */
  public boolean expiredAt(Instant now) {
    return !now.isBefore(expires);
  }
}
