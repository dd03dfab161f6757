package dev.sluice.core.upload;

/**
 * An {@link UploadAppend} whose store-neutral part is an {@link AppendLifecycle}: its start offset,
 * superseded callbacks and discard-on-abort are the lifecycle's. A store's append implements this
 * and keeps only its bytes' handling.
 */
public interface TrackedAppend extends UploadAppend {

  /** The lifecycle this append reports its end to. */
  AppendLifecycle lifecycle();

  @Override
  default long startOffset() {
    return lifecycle().start();
  }

  @Override
  default void onSuperseded(Runnable action) {
    lifecycle().onSuperseded(action);
  }

  @Override
  default void discardOnAbort() {
    lifecycle().discardOnAbort();
  }
}
