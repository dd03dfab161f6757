package dev.sluice.cli;

/** Exit statuses of the {@code sluice} command. */
final class ExitCodes {

  /** The command did what it was asked. */
  static final int OK = 0;

  /** The command failed; stderr holds a one-line reason. */
  static final int FAILURE = 1;

  /** The command line was wrong (picocli's convention). */
  static final int USAGE = 2;

  // SIGINT and SIGTERM end the process with 130 and 143 (128 + signal number): the JVM sets them
  // once the shutdown hooks, which abort a running transfer, have returned.

  private ExitCodes() {}
}
