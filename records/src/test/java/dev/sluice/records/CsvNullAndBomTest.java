package dev.sluice.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The NULL rule of the table loaders, the byte-order mark, and the bulk-load encoder. */
class CsvNullAndBomTest {

  private static final CsvFormat NULLS = CsvFormat.rfc4180().withUnquotedEmptyAsNull(true);

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 4096})
  void anUnquotedEmptyFieldIsNullAndEverythingElseIsItsText(int chunkSize) throws Exception {
    CollectingRowSink rows = new CollectingRowSink();

    Chunks.push(
        "k,v\n1,\n2,\"\"\n3,NULL\n4,\\N\n5,\"\\.\"\n,\\\n",
        chunkSize,
        Records.csv(NULLS, RecordLimits.defaults(), rows));

    assertThat(rows.values())
        .containsExactly(
            Arrays.asList("1", null),
            List.of("2", ""),
            List.of("3", "NULL"),
            List.of("4", "\\N"),
            List.of("5", "\\."),
            Arrays.asList(null, "\\"));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 4096})
  void anEmptyLineOfAOneColumnCsvIsANullRow(int chunkSize) throws Exception {
    CollectingRowSink rows = new CollectingRowSink();

    Chunks.push(
        "v\r\na\r\n\r\n\"\"\n", chunkSize, Records.csv(NULLS, RecordLimits.defaults(), rows));

    assertThat(rows.values())
        .containsExactly(List.of("a"), Arrays.asList((String) null), List.of(""));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 4096})
  void aByteOrderMarkAtTheStartIsDroppedAndCountedInOffsets(int chunkSize) throws Exception {
    CollectingRowSink rows = new CollectingRowSink();

    Chunks.push(
        "\uFEFFid,v\n1,\uFEFF\n", chunkSize, Records.csv(NULLS, RecordLimits.defaults(), rows));

    assertThat(rows.header).containsExactly("id", "v");
    assertThat(rows.values()).containsExactly(List.of("1", "\uFEFF"));
    assertThat(rows.rows.get(0).offset()).isEqualTo(3 + 5);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4096})
  void bytesThatOnlyBeginLikeAByteOrderMarkAreData(int chunkSize) throws Exception {
    CollectingRowSink csv = new CollectingRowSink();
    CollectingRowSink ndjson = new CollectingRowSink();

    Chunks.push("\uFB01d\nx\n", chunkSize, Records.csv(NULLS, RecordLimits.defaults(), csv));
    Chunks.push(
        "\uFEFF{\"a\":\"\uFB01\"}\n", chunkSize, Records.ndjson(RecordLimits.defaults(), ndjson));

    assertThat(csv.header).containsExactly("\uFB01d");
    assertThat(csv.values()).containsExactly(List.of("x"));
    assertThat(ndjson.values()).containsExactly(List.of("\uFB01"));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void anInputOfOnlyPartOfAByteOrderMarkIsData(int chunkSize) throws Exception {
    CollectingRowSink rows = new CollectingRowSink();
    byte[] partial = {(byte) 0xEF, (byte) 0xBB};

    Chunks.push(partial, chunkSize, Records.csv(NULLS, RecordLimits.defaults(), rows));

    assertThat(rows.header).containsExactly("\uFFFD");
  }

  /** FastCSV 4.1.0 found no record here; the record fuzzer found it. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 16, 4096})
  void aLoneCarriageReturnInsideQuotesIsData(int chunkSize) throws Exception {
    CollectingRowSink rows = new CollectingRowSink();

    Chunks.push(
        "c0\tc1\r\"N\rf1{JßH?\"\t\"a\rb\"\n\"x\r\"\t\r\t\r\n\"\"\t\"\r\n\"\r",
        chunkSize,
        Records.csv(NULLS.withDelimiter('\t'), RecordLimits.defaults(), rows));

    assertThat(rows.values())
        .containsExactly(
            List.of("N\rf1{JßH?", "a\rb"),
            Arrays.asList("x\r", null),
            Arrays.asList(null, null),
            List.of("", "\r\n"));
  }

  @org.junit.jupiter.api.Test
  void theBulkLoadEncoderQuotesEveryValueAndWritesOnlyNullBare() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    CsvEncoder.forBulkLoad("").write(out, Arrays.asList("\\.", null, "", "a\"b", "NULL"));
    CsvEncoder.forBulkLoad("NULL").write(out, Arrays.asList(null, "NULL", "x\r\ny"));

    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("\"\\.\",,\"\",\"a\"\"b\",\"NULL\"\nNULL,\"NULL\",\"x\r\ny\"\n");
  }

  @org.junit.jupiter.api.Test
  void theExportEncoderQuotesABackslashDotOnlyWhereItWouldEndACopy() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CsvEncoder encoder = new CsvEncoder(CsvFormat.rfc4180(), "");

    encoder.write(
        out, Arrays.asList("\\.", "a\\.", null)); // not alone on its line: as COPY writes it
    encoder.write(out, List.of("\\.")); // alone on its line: PostgreSQL's end of data

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("\\.,a\\.,\n\"\\.\"\n");
  }
}
