package dev.sluice.core.blob;

/** The region check every built-in blob's {@code open(offset, length)} makes. */
final class Regions {

  private Regions() {}

  /** Throws unless {@code offset..offset+length} lies within {@code 0..size}. */
  public static void check(long offset, long length, long size) {
    if (offset < 0 || length < 0 || offset > size || length > size - offset) {
      throw new IllegalArgumentException(
          "region of "
              + length
              + " bytes at "
              + offset
              + " is not within the blob's "
              + size
              + " bytes");
    }
  }
}
