package dev.sluice.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options that endpoints (S3, databases, Redis) read, passed to {@link
 * dev.sluice.core.EndpointProvider} as a map keyed by the option's name without dashes; an absent
 * key means "not given", a flag given is {@code "true"}. Subcommands include it as an argument
 * group: {@code @ArgGroup(validate = false, heading = EndpointOptions.HEADING) EndpointOptions
 * endpoint = new EndpointOptions();}
 */
public final class EndpointOptions {

  /** Help heading of the group. */
  public static final String HEADING = "%nEndpoint options (databases, S3, Redis):%n";

  @Option(
      names = "--table",
      paramLabel = "NAME",
      description = "Table to write into or read from (jdbc: locations).")
  String table;

  @Option(
      names = "--format",
      paramLabel = "csv|ndjson",
      description = "Record format of the stream for table and stream endpoints.")
  String format;

  @Option(names = "--create-table", description = "Create the table from the header if missing.")
  boolean createTable;

  @Option(
      names = "--query",
      paramLabel = "SQL",
      description = "Query whose rows a jdbc: source exports.")
  String query;

  @Option(
      names = "--stream",
      paramLabel = "KEY",
      description = "Redis stream key that records are added to.")
  String stream;

  @Option(
      names = "--maxlen",
      paramLabel = "N",
      description = "Approximate maximum length of the Redis stream (XADD MAXLEN ~).")
  Long maxlen;

  @Option(names = "--batch-size", paramLabel = "N", description = "Rows per database batch.")
  Integer batchSize;

  @Option(names = "--fetch-size", paramLabel = "N", description = "Rows per database fetch.")
  Integer fetchSize;

  @Option(
      names = "--s3-endpoint",
      paramLabel = "URL",
      description = {"S3 endpoint (an S3-compatible server),", "e.g. http://127.0.0.1:9000."})
  String s3Endpoint;

  @Option(names = "--s3-region", paramLabel = "REGION", description = "S3 region.")
  String s3Region;

  @Option(names = "--s3-path-style", description = "Address buckets by path, not by host name.")
  boolean s3PathStyle;

  @Option(
      names = "--part-size",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "S3 multipart part size, e.g. 16MiB.")
  Long partSize;

  @Option(names = "--parallel", paramLabel = "N", description = "Parts uploaded concurrently.")
  Integer parallel;

  @Option(
      names = "--s3-sha256-metadata",
      description = {
        "Store the SHA-256 in the S3 object's metadata also",
        "when --expect-sha256 is not given and the upload",
        "is multipart: a server-side copy of the object."
      })
  boolean s3Sha256Metadata;

  /** The options given, keyed by name without dashes; sizes as byte counts. */
  public Map<String, String> toMap() {
    Map<String, String> map = new LinkedHashMap<>();
    put(map, "table", table);
    if (format != null) {
      String lower = format.toLowerCase(Locale.ROOT);
      if (!lower.equals("csv") && !lower.equals("ndjson")) {
        throw new IllegalArgumentException("--format must be csv or ndjson: " + format);
      }
      map.put("format", lower);
    }
    put(map, "create-table", createTable ? true : null);
    put(map, "query", query);
    put(map, "stream", stream);
    put(map, "maxlen", positive("--maxlen", maxlen));
    put(map, "batch-size", positive("--batch-size", batchSize));
    put(map, "fetch-size", positive("--fetch-size", fetchSize));
    put(map, "s3-endpoint", s3Endpoint);
    put(map, "s3-region", s3Region);
    put(map, "s3-path-style", s3PathStyle ? true : null);
    put(map, "part-size", positive("--part-size", partSize));
    put(map, "parallel", positive("--parallel", parallel));
    put(map, "s3-sha256-metadata", s3Sha256Metadata ? true : null);
    return map;
  }

  private static Number positive(String option, Number value) {
    if (value != null && value.longValue() <= 0) {
      throw new IllegalArgumentException(option + " must be > 0: " + value);
    }
    return value;
  }

  private static void put(Map<String, String> map, String key, Object value) {
    if (value != null) {
      map.put(key, String.valueOf(value));
    }
  }
}
