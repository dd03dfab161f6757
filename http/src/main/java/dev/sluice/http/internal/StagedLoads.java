package dev.sluice.http.internal;

import dev.sluice.core.Sources;
import dev.sluice.core.blob.Blob;
import dev.sluice.core.blob.BlobStore;
import dev.sluice.core.upload.Upload;
import dev.sluice.core.upload.UploadStore;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uploads whose target is an {@link UploadTarget}, not an object: which target a URL or a
 * staging key belongs to, and the load of a completed upload's staged object into its target. Holds
 * no state of its own (the staged objects are in the store), so it is thread-safe.
 */
final class StagedLoads {

  private static final Logger LOG = LoggerFactory.getLogger(StagedLoads.class);

  private final List<UploadTarget> targets;
  private final UploadStore uploads;
  private final BlobStore objects;

  StagedLoads(List<UploadTarget> targets, UploadStore uploads, BlobStore objects) {
    this.targets = List.copyOf(targets);
    this.uploads = uploads;
    this.objects = objects;
  }

  /** The target whose URLs {@code path} is one of, if any. */
  Optional<UploadTarget> targetOf(String path) {
    return targets.stream().filter(target -> path.startsWith(target.prefix())).findFirst();
  }

  /** The target that {@code key} is a staging key of, if any. */
  Optional<UploadTarget> staging(String key) {
    return targets.stream().filter(target -> target.stages(key)).findFirst();
  }

  /**
   * Streams the published staged object of {@code upload} into {@code target} and deletes it; when
   * the load fails the upload is cancelled too (the same bytes would fail again), and the failure
   * is what the caller sees.
   */
  Map<String, Object> load(Upload upload, UploadTarget target) throws Exception {
    String key = upload.key();
    boolean loaded = false;
    try {
      Blob staged =
          objects
              .find(key)
              .orElseThrow(() -> new IOException("the staged object of upload " + upload.id()));
      Map<String, Object> answer;
      try (staged) {
        answer = target.load(key, Sources.from(staged.open(0, staged.size())));
      }
      loaded = true;
      return answer;
    } finally {
      delete(key);
      if (!loaded) {
        cancel(upload);
      }
    }
  }

  /**
   * Whether {@code upload}, complete, still has its target's staged object: its load runs now, or
   * died with a killed server. Its offset then says nothing about the rows, so a resuming client is
   * told to wait, never that it is done.
   */
  boolean loading(Upload upload) throws IOException {
    if (!upload.complete() || staging(upload.key()).isEmpty()) {
      return false;
    }
    Optional<Blob> found = objects.find(upload.key());
    if (found.isEmpty()) {
      return false;
    }
    found.get().close(); // a found blob is pinned (a file store holds it open): only asked if there
    return true;
  }

  /** Deletes the staged object of {@code upload}, if it is a target's and still there. */
  void discard(Upload upload) {
    if (staging(upload.key()).isPresent()) {
      delete(upload.key());
    }
  }

  private void delete(String key) {
    try {
      objects.delete(key);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "cannot delete the staged object of an upload (the sweeper tries again at its expiry): {}",
          e.toString());
    }
  }

  private void cancel(Upload upload) {
    try {
      uploads.cancel(upload.id());
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot discard upload {} after its failed load: {}", upload.id(), e.toString());
    }
  }
}
