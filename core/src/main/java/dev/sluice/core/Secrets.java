package dev.sluice.core;

import java.util.regex.Pattern;

/**
 * Hides credentials in locations and in text that may quote one (messages, log lines, start-up
 * lines): the user information of a URL ({@code redis://user:pw@host} → {@code redis://***@host})
 * and the value of every query or {@code ;} parameter whose name says it is a secret ({@code
 * password}, {@code passwd}, {@code pwd}, {@code secret}, {@code token}, {@code key}, {@code
 * credential}, {@code auth}, {@code sig}), e.g. {@code jdbc:postgresql://h/db?user=u&password=pw} →
 * {@code …&password=***}. Every store's {@link dev.sluice.core.blob.BlobStore#describe()} and every
 * log line that may name a location goes through {@link #redact}: there is one rule, not one per
 * module.
 *
 * {@snippet :
 * String shown = Secrets.redact("redis://default:hunter2@127.0.0.1:6379/0"); // redis://***@127.0.0.1:6379/0
 * }
 *
 * <p>It masks what it recognises; a secret in a form it does not know (a bare password as a path
 * segment, Oracle's {@code user/pw@host}) passes through, so configuration with secrets belongs in
 * parameters or the environment, and nothing unauthenticated echoes configuration at all.
 */
public final class Secrets {

  /** The mask shown in place of a secret. */
  public static final String MASK = "***";

  private static final Pattern USER_INFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/?#@\\s]+@");
  private static final Pattern SECRET_PARAMETER =
      Pattern.compile(
          "(?i)((?:^|[?&;\\s])[\\w.-]*(?:password|passwd|pwd|secret|token|key|credential|auth|sig)"
              + "[\\w.-]*=)[^&;#\\s]*");

  private Secrets() {}

  /**
   * {@code text} with every credential it recognises replaced by {@value #MASK}; null stays null.
   */
  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = USER_INFO.matcher(text).replaceAll("$1" + MASK + "@");
    return SECRET_PARAMETER.matcher(out).replaceAll("$1" + MASK);
  }
}
