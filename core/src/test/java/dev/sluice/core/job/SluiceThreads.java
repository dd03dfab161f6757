package dev.sluice.core.job;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live threads named {@code sluice-…}, virtual threads included: {@link
 * Thread#getAllStackTraces()} lists platform threads only, the HotSpot thread dump lists both.
 */
final class SluiceThreads {

  private static final Pattern NAME = Pattern.compile("\"name\":\\s*\"(sluice-[^\"]*)\"");

  private SluiceThreads() {}

  static Set<String> live() {
    try {
      Path dir = Files.createTempDirectory("sluice-threads");
      Path dump = dir.resolve("threads.json");
      try {
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
            .dumpThreads(dump.toString(), ThreadDumpFormat.JSON);
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(Files.readString(dump));
        while (m.find()) {
          names.add(m.group(1));
        }
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
          if (thread.getName().startsWith("sluice-")) {
            names.add(thread.getName());
          }
        }
        return names;
      } finally {
        Files.deleteIfExists(dump);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
