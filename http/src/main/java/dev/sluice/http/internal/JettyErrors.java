package dev.sluice.http.internal;

import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Answers the requests Jetty itself refuses (an ambiguous or malformed URI, headers over the limit)
 * with a JSON body naming the reason, for every method, not just GET and POST.
 */
public final class JettyErrors extends ErrorHandler {

  public JettyErrors() {
    setDefaultResponseMimeType("application/json");
    setShowStacks(false);
    setShowCauses(false);
  }

  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }
}
