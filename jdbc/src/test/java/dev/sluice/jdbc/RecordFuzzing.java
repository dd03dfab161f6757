package dev.sluice.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.sluice.core.Sources;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionReport;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * The record fuzzer (issue 12): rows full of what bulk loaders treat specially — {@code \.}, {@code
 * \N}, {@code NULL}, backslashes, quotes, delimiters, CR/LF/CRLF mixes, a byte-order mark, empty
 * strings, NULLs, non-ASCII — written as CSV (random delimiter, quoting, line ends, header order
 * and column subset) and as NDJSON (random key order, omitted keys, blank lines, escapes), loaded
 * through the database's loader in random chunk sizes. Every try asserts rows committed == rows
 * sent == rows reported, and that every value arrives exactly, under the one NULL rule of {@link
 * JdbcSinks}: an unquoted empty CSV field, a JSON null and a missing key are NULL, anything else is
 * its text.
 *
 * <p>The tries are bounded so that each database's run takes seconds. U+0000 is left out: no
 * PostgreSQL text can hold it, so it fails a load as invalid input (and stores nothing) rather than
 * round-tripping.
 */
abstract class RecordFuzzing {

  private static final List<String> COLUMNS = List.of("c0", "c1", "c2");

  /** What bulk loaders and CSV parsers treat specially, and some plain text around it. */
  private static final List<String> SPECIALS =
      List.of(
          "\\.",
          "\\N",
          "NULL",
          "null",
          "Null",
          "\\",
          "\\\\",
          "\\.\\",
          "\"",
          "\"\"",
          "\"\\.\"",
          ",",
          ";",
          "\t",
          "|",
          "\r",
          "\n",
          "\r\n",
          "\n\r",
          "\\.\n",
          "\n\\.\n",
          "\r\n\\.\r\n",
          "\uFEFF",
          "",
          " ",
          "  ",
          "é",
          "日本語",
          "😀",
          "a\"b",
          "\u2028",
          "'",
          "`",
          "\\t",
          "\\n",
          "\\r",
          "\\0",
          "#",
          "-- x",
          "\u0085",
          "\u00A0",
          "ÿ",
          "\uFB01",
          "{}",
          "[1]",
          "true",
          "0",
          "-1.50");

  private static final char[] DELIMITERS = {',', ';', '\t', '|'};
  private static final String[] LINE_ENDS = {"\n", "\r\n", "\r"};
  private static final int[] CHUNK_SIZES = {1, 2, 3, 7, 16, 61, 1024, 65536};
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private String table;

  /** The database's URL. */
  protected abstract String url();

  /** The type of a text column that holds any Unicode text. */
  protected abstract String textType();

  /** Quotes a column name as the database does. */
  protected String quoted(String column) {
    return "\"" + column + "\"";
  }

  /**
   * Skips a property whose database does not answer, as {@link TestDatabases#require} does for
   * JUnit tests (jqwik reports an abort in {@code @BeforeProperty} as an error); under CI it lets
   * the property run, so that {@code require} fails it.
   */
  public static final class SkipWithoutDatabase implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      Class<?> container = context.optionalContainerClass().orElse(null);
      if (TestDatabases.ci()
          || container == null
          || !RecordFuzzing.class.isAssignableFrom(container)
          || java.lang.reflect.Modifier.isAbstract(container.getModifiers())) {
        return SkipResult.doNotSkip();
      }
      String url = ((RecordFuzzing) context.newInstance(container)).url();
      return TestDatabases.unreachable(url).map(SkipResult::skip).orElse(SkipResult.doNotSkip());
    }
  }

  @BeforeProperty
  void createTable() throws SQLException {
    TestDatabases.require(url());
    table = TestDatabases.uniqueTable("sluice_fuzz");
    StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(table).append(" (");
    for (int i = 0; i < COLUMNS.size(); i++) {
      ddl.append(i == 0 ? "" : ", ").append(quoted(COLUMNS.get(i))).append(' ').append(textType());
    }
    TestDatabases.execute(url(), ddl.append(')').toString());
  }

  @AfterProperty
  void dropTable() {
    if (table != null) {
      TestDatabases.dropQuietly(url(), table);
    }
  }

  @Property(tries = 250)
  @AddLifecycleHook(SkipWithoutDatabase.class)
  void csvRowsArriveExactlyAndAreCountedExactly(@ForAll("csvInputs") Input input) throws Exception {
    load(input, TableLoad.csv(table));
  }

  @Property(tries = 250)
  @AddLifecycleHook(SkipWithoutDatabase.class)
  void ndjsonRowsArriveExactlyAndAreCountedExactly(@ForAll("ndjsonInputs") Input input)
      throws Exception {
    load(input, TableLoad.ndjson(table));
  }

  private void load(Input input, TableLoad load) throws Exception {
    TestDatabases.execute(url(), "DELETE FROM " + table);
    TableLoad dialect =
        input.ndjson()
            ? load
            : new TableLoad(
                load.table(),
                load.format(),
                load.csv().withDelimiter(input.delimiter()),
                load.limits(),
                false,
                1 + input.rows().size() % 7);
    IngestionReport report =
        Ingestion.from(Sources.from(new ByteArrayInputStream(input.bytes())))
            .to(JdbcSinks.table(url(), dialect))
            .chunkSize(input.chunkSize())
            .run();

    long sent = input.rows().size();
    assertThat(report.receipt().details()).as("rows reported").containsEntry("rows", "" + sent);
    assertThat(TestDatabases.count(url(), table)).as("rows committed").isEqualTo(sent);
    assertThat(sorted(committedRows())).as("values committed").isEqualTo(sorted(input.expected()));
  }

  private List<List<String>> committedRows() throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < COLUMNS.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(quoted(COLUMNS.get(i)));
    }
    try (Connection connection = DriverManager.getConnection(url());
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql.append(" FROM ").append(table).toString())) {
      while (result.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= COLUMNS.size(); i++) {
          row.add(result.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static List<List<String>> sorted(List<List<String>> rows) {
    Comparator<String> values = Comparator.nullsFirst(Comparator.naturalOrder());
    Comparator<List<String>> byColumns = (a, b) -> 0;
    for (int i = 0; i < COLUMNS.size(); i++) {
      int column = i;
      byColumns = byColumns.thenComparing(row -> row.get(column), values);
    }
    List<List<String>> copy = new ArrayList<>(rows);
    copy.sort(byColumns);
    return copy;
  }

  /**
   * One generated load: its bytes, the rows it holds (values for {@code columns}, in that order),
   * and the rows the table must hold afterwards (all of {@link #COLUMNS}).
   */
  record Input(
      boolean ndjson,
      List<String> columns,
      List<List<String>> rows,
      char delimiter,
      int chunkSize,
      byte[] bytes) {

    List<List<String>> expected() {
      List<List<String>> expected = new ArrayList<>();
      for (List<String> row : rows) {
        String[] full = new String[COLUMNS.size()];
        for (int i = 0; i < columns.size(); i++) {
          full[COLUMNS.indexOf(columns.get(i))] = row.get(i);
        }
        expected.add(Arrays.asList(full));
      }
      return expected;
    }

    @Override
    public String toString() {
      return (ndjson ? "NDJSON" : "CSV delimited by " + printable(String.valueOf(delimiter)))
          + " in chunks of "
          + chunkSize
          + ", columns "
          + columns
          + ", rows "
          + rows.stream().map(RecordFuzzing::printable).toList()
          + ", bytes "
          + printable(new String(bytes, StandardCharsets.UTF_8));
    }
  }

  private static String printable(Object value) {
    return String.valueOf(value)
        .replace("\\", "\\\\")
        .replace("\r", "\\r")
        .replace("\n", "\\n")
        .replace("\t", "\\t")
        .replace("\uFEFF", "<BOM>");
  }

  private static Arbitrary<String> values() {
    Arbitrary<String> special = Arbitraries.of(SPECIALS);
    Arbitrary<String> plain =
        Arbitraries.strings()
            .withCharRange(' ', '~')
            .withChars('é', 'ß', '中', '\n', '\r', '"', ',', ';', '\\', '\t', '\uFEFF')
            .ofMaxLength(10);
    Arbitrary<String> mixed =
        Arbitraries.oneOf(special, plain).list().ofMaxSize(4).map(parts -> String.join("", parts));
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, special),
            net.jqwik.api.Tuple.of(3, mixed),
            net.jqwik.api.Tuple.of(1, plain))
        .injectNull(0.15);
  }

  private static Arbitrary<List<String>> columnOrders() {
    return Arbitraries.subsetOf(COLUMNS)
        .ofMinSize(1)
        .flatMap(subset -> Arbitraries.shuffle(new ArrayList<>(subset)));
  }

  private static Arbitrary<List<List<String>>> rowsOf(int columns) {
    return values().list().ofSize(columns).list().ofMaxSize(25);
  }

  @Provide
  Arbitrary<Input> csvInputs() {
    return columnOrders()
        .flatMap(
            columns ->
                Combinators.combine(
                        rowsOf(columns.size()),
                        Arbitraries.integers().between(0, DELIMITERS.length - 1),
                        Arbitraries.integers().between(0, CHUNK_SIZES.length - 1),
                        Arbitraries.longs())
                    .as(
                        (rows, delimiter, chunk, seed) ->
                            csv(columns, rows, DELIMITERS[delimiter], CHUNK_SIZES[chunk], seed)));
  }

  @Provide
  Arbitrary<Input> ndjsonInputs() {
    return Combinators.combine(
            rowsOf(COLUMNS.size()),
            Arbitraries.integers().between(0, CHUNK_SIZES.length - 1),
            Arbitraries.longs())
        .as((rows, chunk, seed) -> ndjson(rows, CHUNK_SIZES[chunk], seed));
  }

  /**
   * CSV of {@code rows}: fields quoted when they must be and at random otherwise, NULL as the only
   * thing written as an unquoted empty field, record ends LF, CRLF or CR at random, a BOM at
   * random, the last record's end at random (a lone empty record keeps its end, or it would not
   * exist).
   */
  static Input csv(
      List<String> columns, List<List<String>> rows, char delimiter, int chunkSize, long seed) {
    java.util.Random random = new java.util.Random(seed);
    StringBuilder out = new StringBuilder();
    if (random.nextInt(4) == 0) {
      out.append('\uFEFF');
    }
    List<List<String>> records = new ArrayList<>();
    records.add(columns);
    records.addAll(rows);
    for (int r = 0; r < records.size(); r++) {
      List<String> record = records.get(r);
      int start = out.length();
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
                || value.contains("\"")
                || value.contains("\r")
                || value.contains("\n");
        if (must || random.nextInt(5) == 0) {
          out.append('"').append(value.replace("\"", "\"\"")).append('"');
        } else {
          out.append(value);
        }
      }
      boolean empty = out.length() == start;
      boolean last = r == records.size() - 1;
      if (empty) {
        out.append("\r\n");
      } else if (!last || random.nextBoolean()) {
        out.append(LINE_ENDS[random.nextInt(LINE_ENDS.length)]);
      }
    }
    return new Input(
        false,
        columns,
        rows,
        delimiter,
        chunkSize,
        out.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * NDJSON of {@code rows}: keys in random order, a NULL as {@code null} or an omitted key,
   * non-ASCII escaped at random, blank lines and CRLF at random, a BOM at random.
   */
  static Input ndjson(List<List<String>> rows, int chunkSize, long seed) {
    java.util.Random random = new java.util.Random(seed);
    StringWriter out = new StringWriter();
    if (random.nextInt(4) == 0) {
      out.write('\uFEFF');
    }
    try {
      for (int r = 0; r < rows.size(); r++) {
        if (random.nextInt(6) == 0) {
          out.write(random.nextBoolean() ? "\n" : "  \r\n");
        }
        List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
        java.util.Collections.shuffle(order, random);
        StringWriter line = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(line)) {
          if (random.nextBoolean()) {
            json.enable(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature());
          }
          json.writeStartObject();
          for (int column : order) {
            String value = rows.get(r).get(column);
            if (value != null) {
              json.writeStringField(COLUMNS.get(column), value);
            } else if (random.nextBoolean()) {
              json.writeNullField(COLUMNS.get(column));
            }
          }
          json.writeEndObject();
        }
        out.write(line.toString());
        if (r < rows.size() - 1 || random.nextBoolean()) {
          out.write(random.nextInt(3) == 0 ? "\r\n" : "\n");
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new Input(
        true, COLUMNS, rows, ',', chunkSize, out.toString().getBytes(StandardCharsets.UTF_8));
  }
}
