package dev.sluice.cli;

import dev.sluice.core.ByteSize;
import dev.sluice.core.job.IngestionJob;
import dev.sluice.core.job.IngestionListener;
import dev.sluice.core.job.IngestionReport;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress display on a terminal: bytes so far, MiB/s and, when the source's length is
 * known, a bar, the percentage and the ETA. Redrawn at most five times a second from the engine's
 * chunk callbacks; cleared when the job ends so the summary line stands alone.
 */
final class ProgressBar implements IngestionListener {

  private static final long REDRAW_NANOS = 200_000_000L;
  private static final int BAR_WIDTH = 24;

  private final PrintWriter out;
  private volatile IngestionJob job;
  private volatile long total = -1;
  private long startNanos;
  private long lastDrawNanos;
  private boolean drawn;

  ProgressBar(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void onStart(IngestionJob job) {
    this.total = job.expectedBytes(); // read at the start: a source's length shrinks as it is read
    this.job = job;
    this.startNanos = System.nanoTime();
  }

  @Override
  public synchronized void onChunk(int bytes, long writeNanos) {
    long now = System.nanoTime();
    if (now - lastDrawNanos >= REDRAW_NANOS) {
      lastDrawNanos = now;
      draw(now);
    }
  }

  @Override
  public synchronized void onEnd(IngestionReport report) {
    if (drawn) {
      out.print("\r\033[K");
      out.flush();
    }
  }

  private void draw(long now) {
    IngestionJob current = job;
    if (current == null) {
      return;
    }
    out.print("\r" + line(current.bytesIn(), total, now - startNanos) + "\033[K");
    out.flush();
    drawn = true;
  }

  /**
   * The progress line for {@code done} of {@code total} bytes (-1: unknown) after {@code nanos}.
   */
  static String line(long done, long total, long nanos) {
    double seconds = Math.max(nanos, 1) / 1e9;
    double mibPerSecond = done / (1024.0 * 1024.0) / seconds;
    String rate = String.format(Locale.ROOT, "%.1f MiB/s", mibPerSecond);
    if (total <= 0) {
      return ByteSize.format(done) + "  " + rate;
    }
    double fraction = Math.min(1.0, (double) done / total);
    long left = Math.max(0, total - done);
    int filled = (int) Math.round(fraction * BAR_WIDTH);
    String bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
    String eta = done == 0 ? "--:--" : clock((long) (left * (seconds / done)));
    return String.format(
        Locale.ROOT,
        "[%s] %3d%%  %s / %s  %s  ETA %s",
        bar,
        (int) (fraction * 100),
        ByteSize.format(done),
        ByteSize.format(total),
        rate,
        eta);
  }

  private static String clock(long seconds) {
    return seconds >= 3600
        ? String.format(
            Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }
}
