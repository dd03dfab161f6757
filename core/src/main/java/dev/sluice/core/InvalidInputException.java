package dev.sluice.core;

import java.io.IOException;

/**
 * The input broke a format rule: a corrupt gzip member, a malformed CSV row. The message names the
 * input, where in it the problem is, and the rule.
 */
public class InvalidInputException extends IOException implements AbortCause {

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public AbortReason reason() {
    return AbortReason.INVALID_INPUT;
  }
}
