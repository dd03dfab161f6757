package dev.sluice.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.InvalidInputException;
import dev.sluice.core.LimitExceededException;
import dev.sluice.core.Sources;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsvParsingTest {

  private static final String SAMPLE =
      "id,name,note\r\n"
          + "1,alice,\"says \"\"hi\"\"\"\r\n"
          + "2,\"bob, jr\",\"two\nlines\"\r\n"
          + "3,,\"\"\r\n"
          + "4,dave,last";

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 7, 16, 64, 4096})
  void parsesQuotedFieldsAtEveryChunkSize(int chunkSize) throws Exception {
    CollectingRowSink rows = new CollectingRowSink();

    Chunks.push(SAMPLE, chunkSize, Records.csv(CsvFormat.rfc4180(), RecordLimits.defaults(), rows));

    assertThat(rows.header).containsExactly("id", "name", "note");
    assertThat(rows.values())
        .containsExactly(
            List.of("1", "alice", "says \"hi\""),
            List.of("2", "bob, jr", "two\nlines"),
            List.of("3", "", ""),
            List.of("4", "dave", "last"));
    assertThat(rows.rows).extracting(Row::line).containsExactly(2L, 3L, 5L, 6L);
    assertThat(rows.rows).extracting(Row::offset).containsExactly(14L, 37L, 62L, 69L);
    assertThat(rows.commits).isEqualTo(1);
    assertThat(rows.aborts).isEmpty();
  }

  @Test
  void recoversRandomQuotedValuesAtOddChunkSizes() throws Exception {
    Random random = new Random(42);
    StringBuilder text = new StringBuilder("a;b;c\n");
    List<List<String>> expected = new ArrayList<>();
    for (int row = 0; row < 2000; row++) {
      List<String> values = new ArrayList<>();
      for (int col = 0; col < 3; col++) {
        if (col > 0) {
          text.append(';');
        }
        String value = randomValue(random);
        values.add(value);
        text.append(quoteIfNeeded(value));
      }
      expected.add(values);
      text.append(random.nextBoolean() ? "\n" : "\r\n");
    }
    for (int chunkSize : new int[] {1, 13, 1000, 65536}) {
      CollectingRowSink rows = new CollectingRowSink();
      Chunks.push(
          text.toString(),
          chunkSize,
          Records.csv(CsvFormat.rfc4180().withDelimiter(';'), RecordLimits.defaults(), rows));
      assertThat(rows.values()).as("chunk size %d", chunkSize).isEqualTo(expected);
    }
  }

  @Test
  void splitsLargeChunksInBatchesKeepingEveryRowsLineAndOffset() throws Exception {
    // 20,000 rows of which every 7th holds a quoted line break: a 256 KiB chunk spans many of
    // the parser's batches, and every batch boundary must fall between two whole records
    StringBuilder text = new StringBuilder("id,note\r\n");
    List<Long> lines = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    long line = 2;
    for (int row = 0; row < 20_000; row++) {
      lines.add(line);
      offsets.add((long) text.length());
      boolean twoLines = row % 7 == 0;
      text.append(row).append(twoLines ? ",\"x\ny\"" : ",é-" + row).append("\r\n");
      line += twoLines ? 2 : 1;
    }
    String ascii = text.toString().replace('é', 'e'); // offsets count bytes: keep one per char
    CollectingRowSink rows = new CollectingRowSink();

    Chunks.push(ascii, 256 * 1024, Records.csv(CsvFormat.rfc4180(), RecordLimits.defaults(), rows));

    assertThat(rows.rows).hasSize(20_000);
    assertThat(rows.rows).extracting(Row::line).isEqualTo(lines);
    assertThat(rows.rows).extracting(Row::offset).isEqualTo(offsets);
    assertThat(rows.values().get(7)).containsExactly("7", "x\ny");
    assertThat(rows.values().get(19_998)).containsExactly("19998", "e-19998");
  }

  private static String randomValue(Random random) {
    String alphabet = "ab;\"\n é";
    int length = random.nextInt(6);
    StringBuilder value = new StringBuilder();
    for (int i = 0; i < length; i++) {
      value.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return value.toString();
  }

  private static String quoteIfNeeded(String value) {
    boolean special =
        value.isEmpty() || value.contains(";") || value.contains("\"") || value.contains("\n");
    return special ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }

  @Test
  void aRowWithTooManyFieldsNamesItsLineAndByteAndAborts() throws Exception {
    CollectingRowSink rows = new CollectingRowSink();
    String csv = "a,b\n1,2\n3,4\n5,6,7\n8,9\n";

    assertThatThrownBy(
            () ->
                Chunks.push(
                    csv, 3, Records.csv(CsvFormat.rfc4180(), RecordLimits.defaults(), rows)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("CSV line 4, byte 12: expected 2 fields as in the header, found 3 fields");
    assertThat(rows.commits).isZero();
    assertThat(rows.aborts).hasSize(1);
  }

  @Test
  void anEmptyLineIsAnErrorWhenTheHeaderHasSeveralColumns() {
    assertThatThrownBy(() -> parse("a,b\n1,2\n\n3,4\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("CSV line 3, byte 8: expected 2 fields as in the header, found an empty line");
  }

  @Test
  void aQuoteInsideAnUnquotedFieldIsAnError() {
    assertThatThrownBy(() -> parse("a,b\n1,x\"y\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "CSV line 2, byte 7: a quote inside an unquoted field (quote the whole field and"
                + " double the quote)");
  }

  @Test
  void textAfterAClosingQuoteIsAnError() {
    assertThatThrownBy(() -> parse("a,b\n1,\"x\"y\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "CSV line 2, byte 9: character 'y' after a closing quote (expected a delimiter or a"
                + " line end)");
  }

  @Test
  void anUnterminatedQuoteAtTheEndIsAnError() {
    assertThatThrownBy(() -> parse("a,b\n1,\"open\nstill open"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "CSV line 3, byte 22: the input ends inside a quoted field that starts on line 2");
  }

  @Test
  void emptyInputIsAnError() {
    assertThatThrownBy(() -> parse(""))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("CSV input is empty: expected a header row");
  }

  @Test
  void aHeaderWithARepeatedNameIsAnError() {
    assertThatThrownBy(() -> parse("a,b,a\n1,2,3\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("CSV line 1: column name 'a' appears twice in the header");
  }

  @Test
  void aFieldOverTheLimitFailsNamingTheLimit() {
    RecordLimits limits = RecordLimits.defaults().withMaxFieldSize(4);
    assertThatThrownBy(() -> parse("a,b\n1,\"12345\"\n", limits))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("CSV field at line 2 (record at byte 4) exceeds the limit of 4 B (4)");
  }

  @Test
  void anUnterminatedQuoteCannotGrowPastTheLimits() {
    RecordLimits limits = RecordLimits.defaults().withMaxRecordSize(1024);
    String endless = "a\n\"" + "x".repeat(5000);
    assertThatThrownBy(() -> parse(endless, limits))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("CSV field at line 2 (record at byte 2) exceeds the limit of 1.0 KiB (1024)");
  }

  @Test
  void aRecordOfManyFieldsCannotGrowPastTheRecordLimit() {
    RecordLimits limits = new RecordLimits(16, 64, 1000);
    String wide = "a\n" + "x,".repeat(100) + "\n";
    assertThatThrownBy(() -> parse(wide, limits))
        .isInstanceOf(LimitExceededException.class)
        .hasMessage("CSV record at line 2 (byte 2) exceeds the limit of 64 B (64)");
  }

  @Test
  void tooManyColumnsFailsNamingTheLimit() {
    RecordLimits limits = RecordLimits.defaults().withMaxColumns(3);
    assertThatThrownBy(() -> parse("a,b,c,d\n", limits))
        .isInstanceOf(LimitExceededException.class)
        .hasMessageStartingWith("CSV column count at line 1 (byte 7) exceeds the limit of");
  }

  @Test
  void aMalformedRowFailsTheIngestionWithTheRootCause() {
    CollectingRowSink rows = new CollectingRowSink();
    byte[] csv = "a,b\n1,2\n3\n".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(
            () ->
                Ingestion.from(Sources.from(new ByteArrayInputStream(csv)))
                    .to(Records.csv(CsvFormat.rfc4180(), RecordLimits.defaults(), rows))
                    .run())
        .isInstanceOf(IngestionException.class)
        .cause()
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("CSV line 3, byte 8: expected 2 fields as in the header, found 1 field");
    assertThat(rows.aborts).hasSize(1);
    assertThat(rows.commits).isZero();
  }

  private static void parse(String csv) throws Exception {
    parse(csv, RecordLimits.defaults());
  }

  private static void parse(String csv, RecordLimits limits) throws Exception {
    Chunks.push(csv, 5, Records.csv(CsvFormat.rfc4180(), limits, new CollectingRowSink()));
  }
}
