package dev.sluice.cli;

import static dev.sluice.cli.CommandModel.flag;
import static dev.sluice.cli.CommandModel.option;
import static dev.sluice.cli.CommandModel.value;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The options that endpoints (S3, databases, Redis, HTTP uploads) read, passed to {@link
 * dev.sluice.core.endpoint.EndpointProvider} as a map keyed by the option's name without dashes; an
 * absent key means "not given", a flag given is {@code "true"}. A command adds {@link #group()} to
 * its model and reads the map with {@link #toMap}.
 */
final class EndpointOptions {

  /** Help heading of the group. */
  static final String HEADING = "%nEndpoint options (databases, S3, Redis, HTTP uploads):%n";

  private EndpointOptions() {}

  /** The group of endpoint options, for a command's model. */
  static ArgGroupSpec group() {
    return ArgGroupSpec.builder()
        .heading(HEADING)
        .validate(false)
        .exclusive(false)
        .addArg(
            option(
                "--table",
                "NAME",
                String.class,
                "Table to write into or read from (jdbc: locations)."))
        .addArg(
            option(
                "--format",
                "csv|ndjson",
                String.class,
                "Record format of the stream for table and stream endpoints."))
        .addArg(flag("--create-table", "Create the table from the header if missing."))
        .addArg(option("--query", "SQL", String.class, "Query whose rows a jdbc: source exports."))
        .addArg(
            option("--stream", "KEY", String.class, "Redis stream key that records are added to."))
        .addArg(
            option(
                "--maxlen",
                "N",
                Long.class,
                "Approximate maximum length of the Redis stream (XADD MAXLEN ~)."))
        .addArg(option("--batch-size", "N", Integer.class, "Rows per database batch."))
        .addArg(
            option(
                "--fetch-size",
                "N",
                Integer.class,
                "Rows per database fetch (cursor exports; PostgreSQL exports through COPY)."))
        .addArg(
            option(
                "--s3-endpoint",
                "URL",
                String.class,
                "S3 endpoint (an S3-compatible server),",
                "e.g. http://127.0.0.1:9000."))
        .addArg(option("--s3-region", "REGION", String.class, "S3 region."))
        .addArg(flag("--s3-path-style", "Address buckets by path, not by host name."))
        .addArg(
            option(
                "--part-size", "SIZE", new SizeConverter(), "S3 multipart part size, e.g. 16MiB."))
        .addArg(option("--parallel", "N", Integer.class, "Parts uploaded concurrently."))
        .addArg(
            flag(
                "--s3-sha256-metadata",
                "Store the SHA-256 in the S3 object's metadata also",
                "when --expect-sha256 is not given and the upload",
                "is multipart: a server-side copy of the object."))
        .addArg(
            option(
                "--protocol",
                "ietf|tus",
                String.class,
                "Resumable upload protocol to an http(s) DST:",
                "the IETF draft (default) or tus 1.0."))
        .addArg(
            option(
                "--retries",
                "N",
                Integer.class,
                "Times an http(s) upload resumes after a dropped",
                "connection before it fails (default 8)."))
        .addArg(
            flag(
                "--resume",
                "Keep the upload's URL beside SRC (.NAME.sluice-upload)",
                "and continue an interrupted upload of the same",
                "file from the server's offset."))
        .addArg(
            option(
                "--token",
                "TOKEN",
                String.class,
                "Bearer token for an http(s) DST (default SLUICE_TOKEN)."))
        .build();
  }

  /** The options given in {@code spec}, keyed by name without dashes; sizes as byte counts. */
  static Map<String, String> toMap(CommandSpec spec) {
    Map<String, String> map = new LinkedHashMap<>();
    put(map, "table", value(spec, "--table"));
    String format = value(spec, "--format");
    if (format != null) {
      String lower = format.toLowerCase(Locale.ROOT);
      if (!lower.equals("csv") && !lower.equals("ndjson")) {
        throw new IllegalArgumentException("--format must be csv or ndjson: " + format);
      }
      map.put("format", lower);
    }
    putFlag(map, spec, "create-table");
    put(map, "query", value(spec, "--query"));
    put(map, "stream", value(spec, "--stream"));
    put(map, "maxlen", positive(spec, "--maxlen"));
    put(map, "batch-size", positive(spec, "--batch-size"));
    put(map, "fetch-size", positive(spec, "--fetch-size"));
    put(map, "s3-endpoint", value(spec, "--s3-endpoint"));
    put(map, "s3-region", value(spec, "--s3-region"));
    putFlag(map, spec, "s3-path-style");
    put(map, "part-size", positive(spec, "--part-size"));
    put(map, "parallel", positive(spec, "--parallel"));
    putFlag(map, spec, "s3-sha256-metadata");
    String protocol = value(spec, "--protocol");
    if (protocol != null) {
      String lower = protocol.toLowerCase(Locale.ROOT);
      if (!lower.equals("ietf") && !lower.equals("tus")) {
        throw new IllegalArgumentException("--protocol must be ietf or tus: " + protocol);
      }
      map.put("protocol", lower);
    }
    Integer retries = value(spec, "--retries");
    if (retries != null && retries < 0) {
      throw new IllegalArgumentException("--retries must be >= 0: " + retries);
    }
    put(map, "retries", retries);
    putFlag(map, spec, "resume");
    put(map, "token", value(spec, "--token"));
    return map;
  }

  private static void putFlag(Map<String, String> map, CommandSpec spec, String key) {
    if (CommandModel.isSet(spec, "--" + key)) {
      map.put(key, "true");
    }
  }

  private static Number positive(CommandSpec spec, String option) {
    Number value = value(spec, option);
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
