package dev.sluice.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The parser against an independent writer, with no database: any rows (NULLs and the sequences
 * loaders treat specially included), written with random quoting, record ends (LF, CRLF, CR), a
 * random BOM and delimiter, come back exactly in any chunk size; and what the bulk-load encoder
 * writes parses back to the same rows.
 */
class CsvRoundTripPropertyTest {

  private static final List<String> SPECIALS =
      List.of(
          "\\.", "\\N", "NULL", "null", "\\", "\"", "\"\"", ",", ";", "\t", "\r", "\n", "\r\n",
          "\n\r", "\uFEFF", "", " ", "é", "😀", "a\"b", "\\.\n");

  @Provide
  Arbitrary<List<List<String>>> tables() {
    Arbitrary<String> value =
        Arbitraries.oneOf(
                Arbitraries.of(SPECIALS),
                Arbitraries.of(SPECIALS).list().ofMaxSize(4).map(parts -> String.join("", parts)),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(8))
            .injectNull(0.15);
    return Arbitraries.integers()
        .between(1, 4)
        .flatMap(columns -> value.list().ofSize(columns).list().ofMaxSize(30));
  }

  @Property(tries = 500)
  void writtenRowsParseBackExactlyInAnyChunkSize(
      @ForAll("tables") List<List<String>> rows,
      @ForAll @IntRange(min = 1, max = 70) int chunkSize,
      @ForAll long seed)
      throws Exception {
    Random random = new Random(seed);
    char delimiter = ",;\t|".charAt(random.nextInt(4));
    int columns = rows.isEmpty() ? 1 + random.nextInt(3) : rows.get(0).size();
    List<String> header = new ArrayList<>();
    for (int i = 0; i < columns; i++) {
      header.add("c" + i);
    }
    String csv = write(header, rows, delimiter, random);
    CollectingRowSink parsed = new CollectingRowSink();

    Chunks.push(
        csv,
        chunkSize,
        Records.csv(
            CsvFormat.rfc4180().withDelimiter(delimiter).withUnquotedEmptyAsNull(true),
            RecordLimits.defaults(),
            parsed));

    assertThat(parsed.header).isEqualTo(header);
    assertThat(parsed.values()).isEqualTo(rows);
  }

  @Property(tries = 200)
  void whatTheBulkLoadEncoderWritesParsesBackExactly(
      @ForAll("tables") List<List<String>> rows, @ForAll @IntRange(min = 1, max = 70) int chunkSize)
      throws Exception {
    int columns = rows.isEmpty() ? 1 : rows.get(0).size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<String> header = new ArrayList<>();
    for (int i = 0; i < columns; i++) {
      header.add("c" + i);
    }
    CsvEncoder encoder = CsvEncoder.forBulkLoad("");
    encoder.write(out, header);
    for (List<String> row : rows) {
      encoder.write(out, row);
    }
    CollectingRowSink parsed = new CollectingRowSink();

    Chunks.push(
        out.toByteArray(),
        chunkSize,
        Records.csv(
            CsvFormat.rfc4180().withUnquotedEmptyAsNull(true), RecordLimits.defaults(), parsed));

    assertThat(parsed.values()).isEqualTo(rows);
  }

  /** NULL as the only unquoted empty field; other fields quoted when needed and at random. */
  private static String write(
      List<String> header, List<List<String>> rows, char delimiter, Random random) {
    StringBuilder out = new StringBuilder(random.nextInt(3) == 0 ? "\uFEFF" : "");
    List<List<String>> records = new ArrayList<>();
    records.add(header);
    records.addAll(rows);
    String[] ends = {"\n", "\r\n", "\r"};
    for (int r = 0; r < records.size(); r++) {
      int start = out.length();
      List<String> record = records.get(r);
      for (int i = 0; i < record.size(); i++) {
        if (i > 0) {
          out.append(delimiter);
        }
        String value = record.get(i);
        if (value == null) {
          continue;
        }
        boolean must =
            value.isEmpty()
                || value.indexOf(delimiter) >= 0
                || value.indexOf('"') >= 0
                || value.indexOf('\r') >= 0
                || value.indexOf('\n') >= 0;
        out.append(
            must || random.nextInt(4) == 0 ? '"' + value.replace("\"", "\"\"") + '"' : value);
      }
      if (out.length() == start) {
        out.append("\r\n"); // an empty record keeps its end, or it would not be there at all
      } else if (r < records.size() - 1 || random.nextBoolean()) {
        out.append(ends[random.nextInt(ends.length)]);
      }
    }
    return out.toString();
  }
}
