package dev.sluice.core.job;

import dev.sluice.core.AbortCause;
import dev.sluice.core.AbortReason;
import dev.sluice.core.DigestReporter;
import dev.sluice.core.Sink;
import dev.sluice.core.Transform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stages of one job, first to last: each transform's sink, then the final sink, each wrapped in
 * a {@link Stage} that times it and remembers the failures thrown from it. The writer builds it
 * before the reader starts; any thread reads its figures.
 */
final class StageChain {

  private final Map<Throwable, Stage> origins = Stage.newOriginMap();
  private volatile List<Stage> stages = List.of();

  /**
   * Applies {@code transforms} in front of {@code sink} and returns the first stage. A transform
   * that cannot be applied still leaves a sink that must end: the stages built so far are aborted
   * before the failure is rethrown.
   */
  Stage build(List<Transform> transforms, Sink sink) {
    List<Stage> built = new ArrayList<>();
    Stage next = Stage.terminal(sink, origins);
    built.add(next);
    try {
      for (int i = transforms.size() - 1; i >= 0; i--) {
        Transform transform = transforms.get(i);
        next = Stage.transform(transform.apply(next), transform.toString(), next, origins);
        built.add(0, next);
      }
    } catch (RuntimeException | Error e) {
      next.abort(e);
      throw e;
    } finally {
      stages = List.copyOf(built);
    }
    return next;
  }

  /**
   * The leading stages that only observe the bytes and pass them on unchanged (digests, limits), in
   * order: the reader may {@linkplain Stage#observe observe} each chunk with them and leave the
   * writing to the stage after the last. Empty when the first stage changes the bytes: a digest
   * after a gunzip stays where it is.
   */
  List<Stage> leadingObservers() {
    List<Stage> observers = new ArrayList<>();
    for (Stage stage : stages) {
      if (!stage.observesOnly()) {
        break;
      }
      observers.add(stage);
    }
    return List.copyOf(observers);
  }

  /**
   * Why {@code failure} aborts the job: the reason it carries, else by the stage it was thrown from
   * (a transform or the sink), else {@code otherwise} (it came from no stage).
   */
  AbortReason classify(Throwable failure, AbortReason otherwise) {
    if (failure instanceof AbortCause c) {
      return c.reason();
    }
    Stage origin = origins.get(failure);
    if (origin == null) {
      return otherwise;
    }
    return origin.isTerminal() ? AbortReason.SINK_FAILED : AbortReason.TRANSFORM_FAILED;
  }

  /** Bytes the final sink accepted so far. */
  long bytesOut() {
    List<Stage> current = stages;
    return current.isEmpty() ? 0 : current.get(current.size() - 1).bytes();
  }

  /** Time spent in each stage, excluding the stages after it, by stage name. */
  Map<String, Duration> times() {
    Map<String, Duration> times = new LinkedHashMap<>();
    for (Stage stage : stages) {
      times.merge(stage.name(), Duration.ofNanos(stage.exclusiveNanos()), Duration::plus);
    }
    return times;
  }

  /** The hex digests the stages computed, by algorithm name. */
  Map<String, String> digests() {
    Map<String, String> digests = new LinkedHashMap<>();
    for (Stage stage : stages) {
      if (stage.inner() instanceof DigestReporter digest && digest.hexDigest() != null) {
        digests.put(digest.algorithm(), digest.hexDigest());
      }
    }
    return digests;
  }
}
