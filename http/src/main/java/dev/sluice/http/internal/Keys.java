package dev.sluice.http.internal;

import dev.sluice.core.blob.ObjectKeys;

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

  /**
   * The valid key a raw request path {@code /objects/…} names, decoded by {@link ObjectPaths#key}.
   *
   * @throws HttpProblem 400 naming the path or key and the rule it breaks
   */
  public String fromPath(String rawPath) {
    return validate(ObjectPaths.key(rawPath));
  }
}
