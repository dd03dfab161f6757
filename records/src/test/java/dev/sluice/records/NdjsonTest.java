package dev.sluice.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.InvalidInputException;
import dev.sluice.core.LimitExceededException;
import dev.sluice.core.Receipt;
import dev.sluice.core.Sink;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NdjsonTest {

  private static final String SAMPLE =
      "{\"id\":1,\"name\":\"alice\",\"tags\":[\"a\",\"b\"]}\n"
          + "\n"
          + "{\"name\":\"bob\\n\\\"jr\\\"\",\"id\":2,\"extra\":null}\r\n"
          + "{\"id\":3,\"ok\":true}";

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 64, 4096})
  void parsesObjectsAtEveryChunkSize(int chunkSize) throws Exception {
    CollectingRowSink rows = new CollectingRowSink();

    Chunks.push(SAMPLE, chunkSize, Records.ndjson(RecordLimits.defaults(), rows));

    assertThat(rows.rows).hasSize(3);
    assertThat(rows.rows.get(0).columns()).containsExactly("id", "name", "tags");
    assertThat(rows.rows.get(0).values()).containsExactly("1", "alice", "[\"a\",\"b\"]");
    assertThat(rows.rows.get(1).get("name")).isEqualTo("bob\n\"jr\"");
    assertThat(rows.rows.get(1).values()).containsExactly("bob\n\"jr\"", "2", null);
    assertThat(rows.rows.get(2).values()).containsExactly("3", "true");
    assertThat(rows.rows).extracting(Row::line).containsExactly(1L, 3L, 4L);
    assertThat(rows.rows).extracting(Row::offset).containsExactly(0L, 42L, 86L);
    assertThat(rows.commits).isEqualTo(1);
  }

  @Test
  void malformedJsonNamesTheLineAndByte() {
    CollectingRowSink rows = new CollectingRowSink();
    String ndjson = "{\"a\":1}\n{\"a\":2}\n{\"a\":}\n{\"a\":4}\n";

    assertThatThrownBy(() -> Chunks.push(ndjson, 3, Records.ndjson(RecordLimits.defaults(), rows)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("NDJSON line 3, byte 21: Unexpected character ('}'");
    assertThat(rows.aborts).hasSize(1);
    assertThat(rows.commits).isZero();
  }

  @Test
  void aLineThatIsNotAnObjectIsAnError() {
    assertThatThrownBy(
            () ->
                Chunks.push(
                    "[1,2]\n", 4, Records.ndjson(RecordLimits.defaults(), new CollectingRowSink())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("NDJSON line 1, byte 0: expected a JSON object, found [");
  }

  @Test
  void aLineWithNoEndCannotGrowPastTheRecordLimit() {
    RecordLimits limits = RecordLimits.defaults().withMaxRecordSize(100);
    String endless = "{\"a\":\"" + "x".repeat(1000);
    assertThatThrownBy(
            () -> Chunks.push(endless, 16, Records.ndjson(limits, new CollectingRowSink())))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("NDJSON record at line 1 (byte 0) exceeds the limit of 100 B (100)");
  }

  /** Keeps what it is given in memory; for small test inputs only. */
  static final class MemorySink implements Sink {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int commits;
    int aborts;

    @Override
    public void write(ByteBuffer chunk) {
      byte[] copy = new byte[chunk.remaining()];
      chunk.get(copy);
      bytes.writeBytes(copy);
    }

    @Override
    public Receipt commit() {
      commits++;
      return Receipt.of("memory");
    }

    @Override
    public void abort(Throwable cause) {
      aborts++;
    }

    String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
