package dev.sluice.cli;

import dev.sluice.core.Secrets;
import dev.sluice.http.LogFormat;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The command's logging back-end: SLF4J goes to {@code java.util.logging} (SLF4J's own {@code
 * slf4j-jdk14} binding), configured here (chosen over Logback for start-up time and memory:
 * docs/benchmarks.md, "Logging back-end"). Server and library lines go to stderr, one a line, as
 * text or JSON; access lines (logger {@code dev.sluice.access}) go to their own destination, as the
 * server formatted them.
 *
 * <p>Every command starts with {@link Defaults} (warnings of Sluice only, libraries silent), loaded
 * by {@code java.util.logging} the first time anything logs; {@code sluice serve} calls {@link
 * #configure}. Loggers are held here: {@code java.util.logging} forgets the levels of loggers no
 * one references.
 */
public final class Logging {

  /** Where access lines go: a file, stdout, or nowhere. */
  public sealed interface AccessTarget {
    record File(Path path) implements AccessTarget {}

    record Stdout() implements AccessTarget {}

    record Off() implements AccessTarget {}

    /**
     * {@code -} for stdout, {@code off} for none, else a file appended to.
     *
     * @throws IllegalArgumentException if blank
     */
    static AccessTarget parse(String value) {
      String v = value.trim();
      if (v.isEmpty()) {
        throw new IllegalArgumentException("access log must be FILE, - or off: empty");
      }
      return switch (v) {
        case "-" -> new Stdout();
        case "off" -> new Off();
        default -> new File(Path.of(v));
      };
    }
  }

  /**
   * The loggers configured here, in a class of their own: touching them starts {@code
   * java.util.logging}, which must not happen before {@link #installDefaults} has run.
   */
  private static final class Held {
    static final Logger ROOT = Logger.getLogger("");
    static final Logger SLUICE = Logger.getLogger("dev.sluice");
    static final Logger ACCESS = Logger.getLogger("dev.sluice.access");
  }

  private Logging() {}

  /**
   * Read by {@code java.util.logging} through {@code java.util.logging.config.class}: warnings of
   * Sluice to stderr as text, nothing from libraries (Jetty, Jedis, the AWS SDK).
   */
  public static final class Defaults {
    public Defaults() {
      apply(LogFormat.TEXT, Level.WARNING, Level.OFF, null);
    }
  }

  /**
   * The {@code java.util.logging} manager, read through {@code java.util.logging.manager}: the
   * JDK's own, but for {@link #reset}, which its shutdown hook calls and which would drop every
   * line the server's drain logs from its own shutdown hook ("draining", "drained"). Handlers here
   * flush each line, so nothing is lost by never resetting.
   */
  public static final class Manager extends java.util.logging.LogManager {
    public Manager() {}

    @Override
    public void reset() {
      // kept configured until the JVM exits
    }
  }

  /** Installs {@link Defaults} lazily: only a command that logs starts the back-end. */
  static void installDefaults() {
    System.setProperty("java.util.logging.manager", Manager.class.getName());
    System.setProperty("java.util.logging.config.class", Defaults.class.getName());
  }

  /**
   * Configures logging for the server: Sluice's lines at {@code level} and above (libraries at
   * warnings, or at {@code level} when it is finer than INFO) to stderr in {@code format}, access
   * lines to {@code access}.
   *
   * @throws IOException if the access log file cannot be opened
   */
  static void configure(LogFormat format, Level level, AccessTarget access) throws IOException {
    Handler accessHandler =
        switch (access) {
          case AccessTarget.File file ->
              lineHandler(new FileOutputStream(file.path().toFile(), true), new MessageOnly());
          case AccessTarget.Stdout out -> lineHandler(System.out, new MessageOnly());
          case AccessTarget.Off off -> null;
        };
    Level libraries = level.intValue() < Level.INFO.intValue() ? level : Level.WARNING;
    apply(format, level, libraries, accessHandler);
  }

  /**
   * Where {@code sluice serve}'s access lines go: straight to the access logger of {@code
   * java.util.logging}, at INFO. Through SLF4J they would cost a look-up of the calling code on the
   * stack each (its {@code slf4j-jdk14} binding fills every record's source that way), for a field
   * no formatter here prints; an access line is written for every request (docs/benchmarks.md,
   * "Access lines without a caller"). Thread-safe.
   */
  static Consumer<String> accessLines() {
    Logger access = Held.ACCESS;
    return line -> {
      if (access.isLoggable(Level.INFO)) {
        LogRecord record = new LogRecord(Level.INFO, line);
        record.setLoggerName(access.getName());
        record.setSourceClassName(null); // set (class and method), so never looked up
        access.log(record);
      }
    };
  }

  /**
   * A log level by name: {@code error}, {@code warn}, {@code info}, {@code debug} or {@code trace}.
   *
   * @throws IllegalArgumentException naming the accepted names
   */
  static Level level(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "error" -> Level.SEVERE;
      case "warn", "warning" -> Level.WARNING;
      case "info" -> Level.INFO;
      case "debug" -> Level.FINE;
      case "trace" -> Level.FINEST;
      case "off" -> Level.OFF;
      default ->
          throw new IllegalArgumentException(
              "log level must be error, warn, info, debug, trace or off: " + name);
    };
  }

  private static void apply(LogFormat format, Level sluice, Level libraries, Handler access) {
    for (Handler old : Held.ROOT.getHandlers()) {
      Held.ROOT.removeHandler(old);
      old.close();
    }
    for (Handler old : Held.ACCESS.getHandlers()) {
      Held.ACCESS.removeHandler(old);
      old.close();
    }
    Handler stderr = lineHandler(System.err, format == LogFormat.JSON ? new Json() : new Text());
    stderr.setLevel(Level.ALL);
    Held.ROOT.addHandler(stderr);
    Held.ROOT.setLevel(libraries);
    Held.SLUICE.setLevel(sluice);
    Held.ACCESS.setUseParentHandlers(false);
    if (access == null) {
      Held.ACCESS.setLevel(Level.OFF);
    } else {
      Held.ACCESS.setLevel(Level.INFO);
      Held.ACCESS.addHandler(access);
    }
  }

  /** A handler that writes each record as one line and flushes it: no line waits in a buffer. */
  private static Handler lineHandler(OutputStream out, Formatter formatter) {
    StreamHandler handler =
        new StreamHandler(out, formatter) {
          @Override
          public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
          }

          @Override
          public synchronized void close() {
            if (out == System.out || out == System.err) {
              flush(); // never close the process's own streams
            } else {
              super.close();
            }
          }
        };
    try {
      handler.setEncoding(StandardCharsets.UTF_8.name());
    } catch (java.io.UnsupportedEncodingException impossible) {
      throw new UncheckedIOException(impossible);
    }
    handler.setLevel(Level.ALL);
    return handler;
  }

  /** The message as it is: access lines come formatted. */
  private static final class MessageOnly extends Formatter {
    @Override
    public String format(LogRecord record) {
      return formatMessage(record) + System.lineSeparator();
    }
  }

  /**
   * {@code 2026-12-06T10:00:00.123Z WARN dev.sluice.http.SluiceServer: message}, credentials
   * masked.
   */
  private static final class Text extends Formatter {
    @Override
    public String format(LogRecord record) {
      StringBuilder line =
          new StringBuilder(128)
              .append(record.getInstant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
              .append(' ')
              .append(levelName(record.getLevel()))
              .append(' ')
              .append(record.getLoggerName())
              .append(": ")
              .append(Secrets.redact(formatMessage(record)));
      if (record.getThrown() != null) {
        line.append(System.lineSeparator()).append(Secrets.redact(stackTrace(record.getThrown())));
      }
      return line.append(System.lineSeparator()).toString();
    }
  }

  /** One JSON object a line: time, level, logger, message (and error), credentials masked. */
  private static final class Json extends Formatter {
    @Override
    public String format(LogRecord record) {
      StringBuilder line = new StringBuilder(160).append('{');
      field(
              line,
              "time",
              record.getInstant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString())
          .append(',');
      field(line, "level", levelName(record.getLevel())).append(',');
      field(line, "logger", record.getLoggerName()).append(',');
      field(line, "message", Secrets.redact(formatMessage(record)));
      if (record.getThrown() != null) {
        field(line.append(','), "error", Secrets.redact(stackTrace(record.getThrown())));
      }
      return line.append('}').append(System.lineSeparator()).toString();
    }

    private static StringBuilder field(StringBuilder line, String name, String value) {
      line.append('"').append(name).append("\":\"");
      String v = value == null ? "" : value;
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        switch (c) {
          case '"' -> line.append("\\\"");
          case '\\' -> line.append("\\\\");
          case '\n' -> line.append("\\n");
          case '\r' -> line.append("\\r");
          case '\t' -> line.append("\\t");
          default -> {
            if (c < 0x20) {
              line.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
              line.append(c);
            }
          }
        }
      }
      return line.append('"');
    }
  }

  /** SLF4J's names for the JUL levels its binding maps them to. */
  private static String levelName(Level level) {
    int v = level.intValue();
    if (v >= Level.SEVERE.intValue()) {
      return "ERROR";
    } else if (v >= Level.WARNING.intValue()) {
      return "WARN";
    } else if (v >= Level.INFO.intValue()) {
      return "INFO";
    } else if (v >= Level.FINE.intValue()) {
      return "DEBUG";
    }
    return "TRACE";
  }

  private static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString().strip();
  }
}
