package dev.sluice.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.core.AbortReason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} of a server that has served nothing yet: every counter is there at zero, every
 * series has HELP text, no name repeats its unit, the JVM's and the process's series are there, and
 * the README documents every family.
 */
class MetricsIT {

  private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);
  private static final Pattern HELP = Pattern.compile("^# HELP (\\S+) (.*)$", Pattern.MULTILINE);

  private static TestServer server;
  private static String scrape;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(b -> b);
    scrape = server.metrics();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** Family name → Prometheus type, from the {@code # TYPE} lines. */
  private static Map<String, String> families() {
    Map<String, String> out = new LinkedHashMap<>();
    Matcher m = TYPE.matcher(scrape);
    while (m.find()) {
      out.put(m.group(1), m.group(2));
    }
    return out;
  }

  @Test
  void everySeriesHasHelpText() {
    Map<String, String> help = new LinkedHashMap<>();
    Matcher m = HELP.matcher(scrape);
    while (m.find()) {
      help.put(m.group(1), m.group(2).trim());
    }
    assertThat(families()).isNotEmpty();
    for (String family : families().keySet()) {
      assertThat(help.get(family)).as("HELP of " + family).isNotBlank();
    }
  }

  @Test
  void countersArePresentAtZeroFromStartUp() {
    List<String> expected = new ArrayList<>();
    expected.add("sluice_received_bytes_total 0.0");
    expected.add("sluice_sent_bytes_total 0.0");
    expected.add("sluice_sent_direct_bytes_total 0.0");
    for (String d : List.of("upload", "download")) {
      for (String outcome : List.of("committed", "aborted")) {
        expected.add(
            "sluice_transfers_total{direction=\"" + d + "\",outcome=\"" + outcome + "\"} 0.0");
      }
      for (AbortReason reason : AbortReason.values()) {
        expected.add("sluice_aborts_total{direction=\"" + d + "\",reason=\"" + reason + "\"} 0.0");
      }
      expected.add(
          "sluice_transfer_throughput_mebibytes_per_second_count{direction=\""
              + d
              + "\",pipeline=\"baseline\"} 0");
    }
    expected.add("sluice_chunk_write_seconds_count{direction=\"upload\",sink=\"file\"} 0");
    expected.add("sluice_chunk_write_seconds_count{direction=\"download\",sink=\"client\"} 0");
    for (String kind : List.of("single", "multiple", "unsatisfiable", "ignored", "conditional")) {
      expected.add("sluice_range_requests_total{kind=\"" + kind + "\"} 0.0");
    }
    List<String> lines = scrape.lines().toList();
    for (String line : expected) {
      assertThat(lines).as(line).contains(line);
    }
  }

  @Test
  void noNameRepeatsItsUnit() {
    for (String family : families().keySet()) {
      List<String> words = Arrays.asList(family.split("_"));
      for (String unit : List.of("bytes", "seconds")) {
        assertThat(words.stream().filter(unit::equals).count()).as(family).isLessThanOrEqualTo(1);
      }
    }
  }

  @Test
  void theJvmAndTheProcessAreMeasured() {
    assertThat(families())
        .containsKeys(
            "jvm_memory_used_bytes",
            "jvm_buffer_memory_used_bytes",
            "jvm_gc_memory_allocated_bytes_total",
            "jvm_threads_live_threads",
            "jvm_classes_loaded_classes",
            "process_cpu_usage",
            "process_files_open_files",
            "process_uptime_seconds");
    assertThat(scrape).contains("jvm_buffer_memory_used_bytes{id=\"direct\"}");
  }

  @Test
  void theReadmeDocumentsEveryFamily() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    for (String family : families().keySet()) {
      // `name` or `name{labels}`
      Pattern named = Pattern.compile("`" + Pattern.quote(family) + "[`{]");
      assertThat(named.matcher(readme).find()).as("README documents " + family).isTrue();
    }
  }
}
