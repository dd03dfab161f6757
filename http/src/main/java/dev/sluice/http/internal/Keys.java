package dev.sluice.http.internal;

import dev.sluice.core.ObjectKeys;

/** Checks object keys from requests with core's {@link ObjectKeys} rules, as HTTP 400s. */
public final class Keys {

  /**
   * Returns {@code key} if it follows the rules.
   *
   * @throws HttpProblem 400 naming the key and the rule it breaks
   */
  public String validate(String key) {
    try {
      return ObjectKeys.validate(key);
    } catch (IllegalArgumentException e) {
      throw new HttpProblem(400, e.getMessage());
    }
  }
}
