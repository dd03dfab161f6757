package dev.sluice.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.core.AbortReason;
import dev.sluice.core.InvalidInputException;
import dev.sluice.core.Sink;
import dev.sluice.core.Source;
import dev.sluice.core.job.Ingestion;
import dev.sluice.core.job.IngestionException;
import dev.sluice.core.job.IngestionJob;
import dev.sluice.core.job.IngestionReport;
import dev.sluice.core.testing.FailingAfterSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

class RedisStreamSinkIT {

  private TestRedis redis;
  private String stream;

  @BeforeEach
  void connect() {
    redis = TestRedis.connect();
    stream = redis.prefix + ":events";
  }

  @AfterEach
  void cleanUp() {
    redis.close();
  }

  private RedisStreamSink.Builder sink() {
    return RedisStreamSink.builder(redis.client, stream);
  }

  private IngestionReport ingest(Source source, Sink sink) throws IOException {
    return Ingestion.from(source).to(sink).run();
  }

  private static Source text(String text) {
    return dev.sluice.core.Sources.from(
        new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  private StreamEntry first() {
    return redis.client.xrange(stream, (StreamEntryID) null, (StreamEntryID) null, 1).get(0);
  }

  private StreamEntry last() {
    return redis.client.xrevrange(stream, (StreamEntryID) null, (StreamEntryID) null, 1).get(0);
  }

  @Test
  void addsAMillionNdjsonRecordsAsEntriesInOrder() throws IOException {
    IngestionReport report = ingest(RecordsSource.ndjson(1_000_000), sink().build());

    assertThat(report.receipt().details())
        .containsEntry("records", "1000000")
        .containsEntry("outcome", "created");
    assertThat(redis.client.xlen(stream)).isEqualTo(1_000_000);
    assertThat(first().getFields())
        .containsExactly(
            Map.entry("id", "1"),
            Map.entry("name", "user-1"),
            Map.entry("score", "1"),
            Map.entry("tags", "[\"a\",\"b\"]"));
    assertThat(last().getFields()).containsEntry("id", "1000000").containsEntry("score", "0");
    assertThat(redis.keys()).containsExactly(stream);
    assertThat(redis.client.pttl(stream)).isEqualTo(-1);
  }

  @Test
  void addsCsvRowsWithTheHeaderAsFieldNames() throws IOException {
    IngestionReport report =
        ingest(RecordsSource.csv(200_001), sink().format(RedisStreamSink.Format.CSV).build());

    assertThat(report.receipt().details()).containsEntry("records", "200000");
    assertThat(redis.client.xlen(stream)).isEqualTo(200_000);
    assertThat(first().getFields())
        .containsExactly(
            Map.entry("id", "1"), Map.entry("name", "user, 1"), Map.entry("score", "2"));
    assertThat(last().getFields()).containsEntry("id", "200000");
  }

  @Test
  void tellsCsvFromNdjsonByTheFirstByte() throws IOException {
    ingest(text("a,b\n1,2\n"), sink().build());
    ingest(text("\n{\"a\":\"3\"}\n"), sink().build());

    List<StreamEntry> entries = redis.client.xrange(stream, "-", "+");
    assertThat(entries)
        .extracting(StreamEntry::getFields)
        .containsExactly(Map.of("a", "1", "b", "2"), Map.of("a", "3"));
  }

  @Test
  void aMalformedNdjsonLineLeavesNoKeysAndTheErrorNamesItsLine() {
    Source source = RecordsSource.ndjson(300_000).withLine(250_001, "{\"id\": 250001, \"name\": ");

    assertThatThrownBy(() -> ingest(source, sink().build()))
        .isInstanceOf(IngestionException.class)
        .hasMessageContaining("NDJSON line 250001")
        .satisfies(
            e -> assertThat(((IngestionException) e).reason()).isEqualTo(AbortReason.INVALID_INPUT))
        .cause()
        .isInstanceOf(InvalidInputException.class);
    assertThat(redis.keys()).isEmpty();
  }

  @Test
  void aMalformedCsvRowLeavesNoKeysAndTheErrorNamesItsLine() {
    Source source = RecordsSource.csv(100_000).withLine(70_000, "1,2");

    assertThatThrownBy(() -> ingest(source, sink().format(RedisStreamSink.Format.CSV).build()))
        .isInstanceOf(IngestionException.class)
        .hasMessageContaining("line 70000");
    assertThat(redis.keys()).isEmpty();
  }

  @Test
  void aSourceFailingMidStreamLeavesNoKeys() {
    IOException failure = new IOException("connection reset by peer");
    Source source = new FailingAfterSource(RecordsSource.ndjson(1_000_000), 2_000_000, failure);

    assertThatThrownBy(() -> ingest(source, sink().pipelineDepth(500).build()))
        .isInstanceOf(IngestionException.class)
        .hasRootCause(failure);
    assertThat(redis.keys()).isEmpty();
  }

  @Test
  void aCancelledIngestLeavesNoKeys() throws Exception {
    RedisStreamSink sink = sink().pipelineDepth(100).build();
    IngestionJob job = Ingestion.from(RecordsSource.ndjson(100_000_000)).to(sink).start();
    await("staging stream exists")
        .atMost(30, TimeUnit.SECONDS)
        .until(() -> redis.client.exists(sink.stagingKey()));

    job.cancel(AbortReason.CANCELLED);

    assertThatThrownBy(job::get).hasCauseInstanceOf(IngestionException.class);
    assertThat(redis.keys()).isEmpty();
    Thread.sleep(200); // commands still in flight on the cancelled connection must not recreate it
    assertThat(redis.keys()).isEmpty();
  }

  @Test
  void aConnectionKilledMidStreamAbortsAndLeavesNoKeys() throws Exception {
    try (RedisClient named = redis.namedClient()) {
      RedisStreamSink sink = RedisStreamSink.builder(named, stream).pipelineDepth(100).build();
      IngestionJob job = Ingestion.from(RecordsSource.ndjson(100_000_000)).to(sink).start();
      await("staging stream exists")
          .atMost(30, TimeUnit.SECONDS)
          .until(() -> redis.client.exists(sink.stagingKey()));

      int killed = redis.killClientsNamed(redis.prefix);

      assertThat(killed).as("connections of the sink killed").isPositive();
      assertThatThrownBy(job::get)
          .cause()
          .isInstanceOf(IngestionException.class)
          .satisfies(
              e ->
                  assertThat(((IngestionException) e).reason()).isEqualTo(AbortReason.SINK_FAILED));
      assertThat(redis.keys()).isEmpty();
    }
  }

  @Test
  void aStagingStreamDeletedMidIngestFailsTheIngest() throws IOException {
    RedisStreamSink sink = sink().pipelineDepth(1).build();
    sink.write(ByteBuffer.wrap("{\"n\":1}\n".getBytes(StandardCharsets.UTF_8)));
    redis.client.unlink(sink.stagingKey());

    assertThatThrownBy(
            () -> sink.write(ByteBuffer.wrap("{\"n\":2}\n".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("vanished while records were added");
    sink.abort(new IOException("test"));
    assertThat(redis.keys()).isEmpty();
  }

  @Test
  void stagesIntoAnExpiringKeyThatTheCommitRenames() throws IOException {
    RedisStreamSink sink = sink().pipelineDepth(2).build();
    sink.write(
        ByteBuffer.wrap("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n".getBytes(StandardCharsets.UTF_8)));

    assertThat(redis.keys()).containsExactly(sink.stagingKey());
    assertThat(sink.stagingKey()).startsWith(stream + ":sluice-staging:");
    assertThat(redis.client.pttl(sink.stagingKey())).isPositive();
    assertThat(redis.client.exists(stream)).isFalse();

    sink.commit();

    assertThat(redis.keys()).containsExactly(stream);
    assertThat(redis.client.xlen(stream)).isEqualTo(3);
  }

  @Test
  void refusesRecordsAfterTheCommit() throws IOException {
    RedisStreamSink sink = sink().build();
    sink.write(ByteBuffer.wrap("{\"n\":1}\n".getBytes(StandardCharsets.UTF_8)));
    sink.commit();

    assertThatThrownBy(
            () -> sink.write(ByteBuffer.wrap("{\"n\":2}\n".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("redis stream sink already ended: redis-stream(" + stream + ")");
    assertThat(redis.client.xlen(stream)).isEqualTo(1);
  }

  @Test
  void appendsToAnExistingStreamAfterItsEntries() throws IOException {
    redis.client.xadd(stream, StreamEntryID.NEW_ENTRY, Map.of("n", "0"));

    IngestionReport report = ingest(RecordsSource.ndjson(2_500), sink().build());

    assertThat(report.receipt().details()).containsEntry("outcome", "appended");
    assertThat(redis.client.xlen(stream)).isEqualTo(2_501);
    assertThat(first().getFields()).containsEntry("n", "0");
    assertThat(last().getFields()).containsEntry("id", "2500");
    assertThat(redis.keys()).containsExactly(stream);
  }

  @Test
  void maxLenTrimsTheStreamToAboutThatMany() throws IOException {
    ingest(RecordsSource.ndjson(50_000), sink().maxLen(1_000).build());

    long length = redis.client.xlen(stream);
    assertThat(length).isBetween(1_000L, 2_000L);
    assertThat(last().getFields()).containsEntry("id", "50000");
  }

  @Test
  void leavesJsonNullsOutAndRefusesARecordWithNothingElse() {
    String input = "{\"a\":\"1\",\"b\":null}\n{\"c\":null}\n";

    assertThatThrownBy(() -> ingest(text(input), sink().build()))
        .isInstanceOf(IngestionException.class)
        .hasMessageContaining(
            "line 2, byte 19: a record needs at least one non-null field to become a stream entry");
    assertThat(redis.keys()).isEmpty();
  }

  @Test
  void emptyInputAddsNothingAndCreatesNoKey() throws IOException {
    IngestionReport report = ingest(text(""), sink().build());

    assertThat(report.receipt().details())
        .containsEntry("records", "0")
        .containsEntry("outcome", "unchanged");
    assertThat(redis.keys()).isEmpty();
  }

  @Test
  void refusesAKeyOfAnotherType() {
    redis.client.set(stream, "not a stream");

    assertThatThrownBy(() -> sink().build())
        .isInstanceOf(IOException.class)
        .hasMessage("cannot add records to " + stream + ": the key exists and holds a string");
  }

  @Test
  void isOpenedThroughTheProviderWithStreamAndMaxlenOptions() throws IOException {
    Sink sink =
        new RedisEndpointProvider()
            .openSink(redis.url("/0"), Map.of("stream", stream, "maxlen", "100000"));

    ingest(RecordsSource.ndjson(10), sink);

    assertThat(redis.client.xlen(stream)).isEqualTo(10);
  }
}
