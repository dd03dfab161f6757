package dev.sluice.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.core.InvalidInputException;
import dev.sluice.core.Sink;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CsvCheckingTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8, 4096})
  void passesTheBytesOnUnchangedAfterAnnouncingTheHeader(int chunkSize) throws Exception {
    String csv = "id,\"full name\"\r\n1,\"a\r\nb\"\r\n2,c";
    NdjsonTest.MemorySink out = new NdjsonTest.MemorySink();
    List<CsvHeader> headers = new ArrayList<>();
    Sink sink =
        Records.checkCsv(
                CsvFormat.rfc4180(),
                RecordLimits.defaults(),
                header -> {
                  assertThat(out.bytes.size()).as("nothing passed on before the header").isZero();
                  headers.add(header);
                })
            .apply(out);

    Chunks.push(csv, chunkSize, sink);

    assertThat(out.text()).isEqualTo(csv);
    assertThat(headers).containsExactly(new CsvHeader(List.of("id", "full name"), "\r\n"));
    assertThat(out.commits).isEqualTo(1);
  }

  @Test
  void aHeaderWithoutALineEndIsAnnouncedAtTheEnd() throws Exception {
    NdjsonTest.MemorySink out = new NdjsonTest.MemorySink();
    List<CsvHeader> headers = new ArrayList<>();
    Chunks.push(
        "a,b",
        2,
        Records.checkCsv(CsvFormat.rfc4180(), RecordLimits.defaults(), headers::add).apply(out));

    assertThat(headers).containsExactly(new CsvHeader(List.of("a", "b"), "\n"));
    assertThat(out.text()).isEqualTo("a,b");
  }

  @Test
  void aMalformedRowAbortsDownstreamAndNamesTheLine() {
    NdjsonTest.MemorySink out = new NdjsonTest.MemorySink();
    Sink sink =
        Records.checkCsv(CsvFormat.rfc4180(), RecordLimits.defaults(), header -> {}).apply(out);

    assertThatThrownBy(() -> Chunks.push("a,b\n1,2\n3,4\n5\n", 64, sink))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("CSV line 4, byte 12: expected 2 fields as in the header, found 1 field");
    assertThat(out.aborts).isEqualTo(1);
    assertThat(out.commits).isZero();
  }
}
