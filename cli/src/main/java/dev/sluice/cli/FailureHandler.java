package dev.sluice.cli;

import dev.sluice.core.Secrets;
import java.nio.file.FileSystemException;
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

  /** A one-line reason: the message, or the exception's type when it has none. */
  static String describe(Throwable e) {
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
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return message.replace('\n', ' ');
  }
}
