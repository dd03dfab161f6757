package dev.sluice.cli;

import dev.sluice.core.Secrets;
import java.nio.file.FileSystemException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception thrown by a subcommand into one line on stderr ({@code sluice: reason}) and
 * exit status 1; {@code SLUICE_DEBUG=1} prints the stack trace as well.
 */
final class FailureHandler implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parsed) {
    commandLine.getErr().println("sluice: " + Secrets.redact(describe(e)));
    if (System.getenv("SLUICE_DEBUG") != null) {
      java.io.StringWriter trace = new java.io.StringWriter();
      e.printStackTrace(new java.io.PrintWriter(trace));
      commandLine.getErr().print(Secrets.redact(trace.toString()));
    }
    commandLine.getErr().flush();
    return ExitCodes.FAILURE;
  }

  /**
   * A one-line reason: the message, followed by what each cause adds to it (a library's "see cause"
   * is useless without the cause), and never a class name.
   */
  static String describe(Throwable e) {
    String line = describeOne(e);
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(e);
    for (Throwable cause = e.getCause();
        cause != null && seen.add(cause);
        cause = cause.getCause()) {
      // a cause adds its message; its type's meaning only when nothing was said yet
      boolean says = cause.getMessage() != null && !cause.getMessage().isBlank();
      String more = says || line.isEmpty() ? describeOne(cause) : "";
      if (!more.isEmpty() && !line.contains(more)) {
        line = line.isEmpty() ? more : line + ": " + more;
      }
    }
    return line.isEmpty() ? "unexpected failure (SLUICE_DEBUG=1 prints the details)" : line;
  }

  /** What one exception says: its message, or what its type means when it has none. */
  private static String describeOne(Throwable e) {
    if (e instanceof java.nio.file.FileAlreadyExistsException exists) {
      return exists.getFile() + " already exists (use --force to replace it)";
    }
    if (e instanceof java.nio.file.NoSuchFileException missing) {
      return missing.getFile()
          + ": "
          + (missing.getReason() == null ? "no such file" : missing.getReason());
    }
    if (e instanceof java.nio.file.AccessDeniedException denied) {
      return denied.getFile() + ": permission denied";
    }
    if (e instanceof FileSystemException fs) {
      return fs.getMessage();
    }
    String message = e.getMessage();
    if (e.getCause() != null && e.getCause().toString().equals(message)) {
      return ""; // new IOException(cause) says only the cause's class: let the cause speak
    }
    if (message == null || message.isBlank()) {
      return meaning(e);
    }
    if (e instanceof java.net.UnknownHostException) {
      return "unknown host " + message;
    }
    return message.replace('\n', ' ');
  }

  /** The meaning of an exception without a message, in words. */
  private static String meaning(Throwable e) {
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    if (e instanceof java.net.SocketTimeoutException) {
      return "timed out";
    }
    if (e instanceof java.nio.channels.ClosedChannelException
        || e instanceof java.io.EOFException) {
      return "the connection closed early";
    }
    if (e instanceof java.net.UnknownHostException) {
      return "unknown host";
    }
    return "";
  }
}
