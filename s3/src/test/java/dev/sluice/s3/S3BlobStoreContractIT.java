package dev.sluice.s3;

import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.testing.BlobStoreContract;
import dev.sluice.s3.testing.S3ProxyExtension;
import dev.sluice.s3.testing.S3ProxyExtension.S3;
import java.util.Comparator;
import org.junit.jupiter.api.extension.ExtendWith;

/** Core's blob-store contract against the S3 store on s3proxy, one bucket for the class. */
@ExtendWith(S3ProxyExtension.class)
class S3BlobStoreContractIT extends BlobStoreContract {

  private final S3BlobStore store;

  S3BlobStoreContractIT(S3 s3) {
    String bucket = s3.newBucket();
    this.store =
        S3BlobStore.builder(
                s3.client(), S3Location.parse("s3://" + bucket + "/contract-" + System.nanoTime()))
            .uploads(u -> u.partSize(S3Upload.MIN_PART_SIZE))
            .closeClient(true)
            .build();
  }

  @Override
  protected BlobStore store() {
    return store;
  }

  /** Without bucket versioning an overwritten object is gone: its reads fail with 412, whole. */
  @Override
  protected boolean keepsReplacedVersionsReadable() {
    return false;
  }

  /**
   * s3proxy keeps keys in a Java sorted map, in UTF-16 order; S3 lists in UTF-8 byte order. The two
   * differ only past U+FFFF (an emoji sorts before U+FFFD here).
   */
  @Override
  protected Comparator<String> keyOrder() {
    return Comparator.naturalOrder();
  }

  /** Preconditions other than If-None-Match: * are checked with a HEAD before the commit. */
  @Override
  protected boolean preconditionsAreAtomic() {
    return false;
  }
}
