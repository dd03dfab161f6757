package dev.sluice.coord;

/** The coordination store did not answer, or refused a command; the message names the store. */
public final class CoordinationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public CoordinationException(String message, Throwable cause) {
    super(message, cause);
  }
}
