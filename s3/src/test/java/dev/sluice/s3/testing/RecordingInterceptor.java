package dev.sluice.s3.testing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * An SDK interceptor that counts requests by type, tracks how many parts upload at once, and can
 * fail or hold chosen requests — fault injection through the SDK's own extension point, in front of
 * a real server.
 */
public final class RecordingInterceptor implements ExecutionInterceptor {

  private final Map<Class<?>, AtomicInteger> started = new ConcurrentHashMap<>();
  private final AtomicInteger partsInFlight = new AtomicInteger();
  private final AtomicInteger maxPartsInFlight = new AtomicInteger();
  private volatile Predicate<SdkRequest> failWhen = r -> false;
  private volatile Duration partDelay = Duration.ZERO;
  private volatile CountDownLatch partGate;
  private volatile int corruptPart = -1;

  /** Fails every request that matches, before it is sent. */
  public RecordingInterceptor failWhen(Predicate<SdkRequest> predicate) {
    this.failWhen = predicate;
    return this;
  }

  /** Fails the upload of part {@code number}. */
  public RecordingInterceptor failPart(int number) {
    return failWhen(r -> r instanceof UploadPartRequest p && p.partNumber() == number);
  }

  /** Delays every part upload by {@code delay}. */
  public RecordingInterceptor delayParts(Duration delay) {
    this.partDelay = delay;
    return this;
  }

  /** Holds every part upload until {@code gate} opens. */
  public RecordingInterceptor holdParts(CountDownLatch gate) {
    this.partGate = gate;
    return this;
  }

  /** Sends part {@code number} with a wrong CRC-32C header, as if its bytes were damaged. */
  public RecordingInterceptor corruptChecksumOfPart(int number) {
    this.corruptPart = number;
    return this;
  }

  @Override
  public SdkHttpRequest modifyHttpRequest(
      Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
    if (context.request() instanceof UploadPartRequest p && p.partNumber() == corruptPart) {
      return context.httpRequest().toBuilder()
          .putHeader("x-amz-checksum-crc32c", "AAAAAA==")
          .build();
    }
    return context.httpRequest();
  }

  /** How many requests of {@code type} were started. */
  public int count(Class<? extends SdkRequest> type) {
    AtomicInteger n = started.get(type);
    return n == null ? 0 : n.get();
  }

  /** Part uploads in flight now. */
  public int partsInFlight() {
    return partsInFlight.get();
  }

  /** The most part uploads seen in flight at once. */
  public int maxPartsInFlight() {
    return maxPartsInFlight.get();
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    started.computeIfAbsent(request.getClass(), k -> new AtomicInteger()).incrementAndGet();
    if (request instanceof UploadPartRequest) {
      maxPartsInFlight.accumulateAndGet(partsInFlight.incrementAndGet(), Math::max);
      try {
        CountDownLatch gate = partGate;
        if (gate != null) {
          gate.await();
        }
        if (!partDelay.isZero()) {
          Thread.sleep(partDelay);
        }
      } catch (InterruptedException e) {
        partsInFlight.decrementAndGet();
        Thread.currentThread().interrupt();
        throw SdkClientException.create("interrupted while held by the test", e);
      }
    }
    if (failWhen.test(request)) {
      if (request instanceof UploadPartRequest) {
        partsInFlight.decrementAndGet();
      }
      throw SdkClientException.create(
          "injected failure: " + request.getClass().getSimpleName() + describe(request));
    }
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof UploadPartRequest) {
      partsInFlight.decrementAndGet();
    }
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    if (context.request() instanceof UploadPartRequest && !isInjected(context.exception())) {
      partsInFlight.decrementAndGet();
    }
  }

  private static boolean isInjected(Throwable e) {
    return e.getMessage() != null
        && (e.getMessage().startsWith("injected failure")
            || e.getMessage().startsWith("interrupted while held"));
  }

  private static String describe(SdkRequest request) {
    return request instanceof UploadPartRequest p ? " part " + p.partNumber() : "";
  }
}
