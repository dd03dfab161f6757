package dev.sluice.core;

import java.io.IOException;

/** The remote peer of a network transfer went away before it ended. */
public final class ClientDisconnectedException extends IOException implements AbortCause {

  public ClientDisconnectedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public AbortReason reason() {
    return AbortReason.CLIENT_DISCONNECT;
  }
}
