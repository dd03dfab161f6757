package dev.sluice.cli;

import dev.sluice.s3.S3Cleanup;
import dev.sluice.s3.S3ClientSettings;
import dev.sluice.s3.S3Location;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice s3 …}: S3 housekeeping. */
@Command(
    name = "s3",
    mixinStandardHelpOptions = true,
    description = "S3 housekeeping.",
    subcommands = {S3Command.Cleanup.class})
final class S3Command implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: cleanup");
  }

  /** {@code sluice s3 cleanup s3://bucket/prefix --older-than 1d}. */
  @Command(
      name = "cleanup",
      mixinStandardHelpOptions = true,
      description = {
        "Lists and aborts the multipart uploads under PREFIX that started longer ago than",
        "--older-than: orphans of crashed or failed uploads, which S3 keeps (and bills) until",
        "they are aborted. Credentials come from the standard AWS chain."
      },
      footerHeading = "%nExample:%n",
      footer = "  sluice s3 cleanup s3://bucket/uploads/ --older-than 1d --dry-run")
  static final class Cleanup implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(paramLabel = "s3://BUCKET[/PREFIX]", description = "Where to look.")
    String location;

    @Option(
        names = "--older-than",
        paramLabel = "AGE",
        defaultValue = "1d",
        description = "Only uploads started longer ago than this, e.g. 12h, 1d (default: 1d).")
    String olderThan;

    @Option(names = "--dry-run", description = "List what would be aborted; abort nothing.")
    boolean dryRun;

    @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3-compatible endpoint.")
    String s3Endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "S3 region.")
    String s3Region;

    @Option(names = "--s3-path-style", description = "Address buckets by path.")
    boolean s3PathStyle;

    @Override
    public Integer call() throws IOException {
      S3Location prefix;
      Duration age;
      try {
        prefix = S3Location.parse(location);
        age = S3Cleanup.parseAge(olderThan);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      Map<String, String> options = new LinkedHashMap<>();
      if (s3Endpoint != null) {
        options.put("s3-endpoint", s3Endpoint);
      }
      if (s3Region != null) {
        options.put("s3-region", s3Region);
      }
      if (s3PathStyle) {
        options.put("s3-path-style", "true");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (var client = S3ClientSettings.from(options, System.getenv()).newClient()) {
        List<S3Cleanup.Orphan> orphans =
            S3Cleanup.orphans(client, prefix, Instant.now().minus(age));
        for (S3Cleanup.Orphan orphan : orphans) {
          if (!dryRun) {
            S3Cleanup.abort(client, orphan);
          }
          out.printf(
              "%s s3://%s/%s upload %s (started %s)%n",
              dryRun ? "would abort" : "aborted",
              orphan.bucket(),
              orphan.key(),
              orphan.uploadId(),
              orphan.initiated());
        }
        out.printf(
            "%s %d multipart upload%s under %s older than %s%n",
            dryRun ? "would abort" : "aborted",
            orphans.size(),
            orphans.size() == 1 ? "" : "s",
            prefix,
            olderThan);
        out.flush();
      }
      return ExitCodes.OK;
    }
  }
}
