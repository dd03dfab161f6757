package dev.sluice.core.upload;

import dev.sluice.core.upload.UploadException.Problem;

/**
 * The protocol checks every {@link UploadStore} makes on an upload's stored state before an append,
 * a declared length or a completion, with the messages the protocols answer with.
 */
public final class UploadPreconditions {

  private UploadPreconditions() {}

  /** The refusal for an upload {@code id} that does not exist. */
  public static UploadException notFound(String id) {
    return new UploadException(Problem.NOT_FOUND, "no upload " + id);
  }

  /**
   * Refuses an append at {@code offset} to {@code upload}.
   *
   * @throws UploadException {@code COMPLETED} or {@code MISMATCHING_OFFSET}
   */
  public static void requireAppendable(Upload upload, long offset) throws UploadException {
    requireIncomplete(upload);
    if (offset != upload.offset()) {
      throw UploadException.mismatchingOffset(upload.id(), upload.offset(), offset);
    }
  }

  /**
   * Whether {@code length} must be stored as {@code upload}'s length: false when it was declared
   * already.
   *
   * @throws UploadException {@code INCONSISTENT_LENGTH} if another length was declared, or the
   *     upload already holds more bytes
   */
  public static boolean needsDeclaring(Upload upload, long length) throws UploadException {
    String id = upload.id();
    if (upload.lengthKnown()) {
      if (upload.length() != length) {
        throw new UploadException(
            Problem.INCONSISTENT_LENGTH,
            "upload " + id + " was declared " + upload.length() + " bytes long, not " + length);
      }
      return false;
    }
    if (upload.offset() > length) {
      throw new UploadException(
          Problem.INCONSISTENT_LENGTH,
          "upload " + id + " already holds " + upload.offset() + " bytes, more than " + length);
    }
    return true;
  }

  /**
   * Refuses to complete {@code upload}.
   *
   * @throws UploadException {@code COMPLETED}, or {@code INCONSISTENT_LENGTH} when the bytes
   *     received differ from the declared length
   */
  public static void requireCompletable(Upload upload) throws UploadException {
    requireIncomplete(upload);
    if (upload.lengthKnown() && upload.offset() != upload.length()) {
      throw new UploadException(
          Problem.INCONSISTENT_LENGTH,
          "upload "
              + upload.id()
              + " holds "
              + upload.offset()
              + " bytes but was declared "
              + upload.length()
              + " bytes long");
    }
  }

  private static void requireIncomplete(Upload upload) throws UploadException {
    if (upload.complete()) {
      throw new UploadException(
          Problem.COMPLETED, "upload " + upload.id() + " is already complete");
    }
  }
}
