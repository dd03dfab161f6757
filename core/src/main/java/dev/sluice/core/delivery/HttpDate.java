package dev.sluice.core.delivery;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * HTTP dates (RFC 9110 §5.6.7): formats the preferred IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37
 * GMT}) and parses it as well as the obsolete RFC 850 ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and
 * asctime ({@code Sun Nov 6 08:49:37 1994}) forms.
 *
 * <p>Parsing follows the grammar exactly (names are case-sensitive, fields have fixed widths) and
 * returns empty for anything else; the caller then ignores the header, as RFC 9110 asks of an
 * invalid date in a conditional. The day name is checked to be a day name, not to match the date.
 */
public final class HttpDate {

  private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  private static final String[] LONG_DAYS = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
  };
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private HttpDate() {}

  /** The IMF-fixdate of {@code instant}, truncated to the second. */
  public static String format(Instant instant) {
    return IMF_FIXDATE.format(instant);
  }

  /** Parses any of the three HTTP-date forms; empty if {@code value} is none of them. */
  public static Optional<Instant> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    try {
      int comma = value.indexOf(',');
      if (comma == 3) {
        return imfFixdate(value);
      }
      if (comma > 3) {
        return rfc850(value, comma);
      }
      return asctime(value);
    } catch (DateTimeException e) {
      return Optional.empty(); // e.g. 31 Feb
    }
  }

  /** {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
  private static Optional<Instant> imfFixdate(String v) {
    if (v.length() != 29
        || index(DAYS, v, 0, 3) < 0
        || !v.startsWith(", ", 3)
        || v.charAt(7) != ' '
        || v.charAt(11) != ' '
        || v.charAt(16) != ' '
        || !v.startsWith(" GMT", 25)) {
      return Optional.empty();
    }
    return instant(digits(v, 12, 4), index(MONTHS, v, 8, 3), digits(v, 5, 2), v, 17);
  }

  /** {@code Sunday, 06-Nov-94 08:49:37 GMT}: a two-digit year more than 50 years ahead is past. */
  private static Optional<Instant> rfc850(String v, int comma) {
    int d = comma + 2;
    if (index(LONG_DAYS, v, 0, comma) < 0
        || v.length() != d + 22
        || v.charAt(comma + 1) != ' '
        || v.charAt(d + 2) != '-'
        || v.charAt(d + 6) != '-'
        || v.charAt(d + 9) != ' '
        || !v.startsWith(" GMT", d + 18)) {
      return Optional.empty();
    }
    int twoDigits = digits(v, d + 7, 2);
    if (twoDigits < 0) {
      return Optional.empty();
    }
    int thisYear = ZonedDateTime.now(ZoneOffset.UTC).getYear();
    int year = thisYear / 100 * 100 + twoDigits;
    if (year > thisYear + 50) {
      year -= 100;
    }
    return instant(year, index(MONTHS, v, d + 3, 3), digits(v, d, 2), v, d + 10);
  }

  /** {@code Sun Nov 6 08:49:37 1994}: the day is two digits or a space and one digit. */
  private static Optional<Instant> asctime(String v) {
    if (v.length() != 24
        || index(DAYS, v, 0, 3) < 0
        || v.charAt(3) != ' '
        || v.charAt(7) != ' '
        || v.charAt(10) != ' '
        || v.charAt(19) != ' ') {
      return Optional.empty();
    }
    int day = v.charAt(8) == ' ' ? digits(v, 9, 1) : digits(v, 8, 2);
    return instant(digits(v, 20, 4), index(MONTHS, v, 4, 3), day, v, 11);
  }

  /** Builds the instant from a date and {@code HH:MM:SS} at {@code time}; empty if any is bad. */
  private static Optional<Instant> instant(int year, int month0, int day, String v, int time) {
    if (v.charAt(time + 2) != ':' || v.charAt(time + 5) != ':') {
      return Optional.empty();
    }
    int hour = digits(v, time, 2);
    int minute = digits(v, time + 3, 2);
    int second = digits(v, time + 6, 2);
    if (year < 0 || month0 < 0 || day < 1 || hour < 0 || minute < 0 || second < 0) {
      return Optional.empty();
    }
    if (second == 60) {
      second = 59; // the grammar allows a leap second; java.time does not
    }
    return Optional.of(
        LocalDateTime.of(year, month0 + 1, day, hour, minute, second).toInstant(ZoneOffset.UTC));
  }

  /** The value of {@code count} ASCII digits at {@code at}, or -1. */
  private static int digits(String v, int at, int count) {
    int value = 0;
    for (int k = at; k < at + count; k++) {
      char c = v.charAt(k);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Which of {@code names} occupies exactly {@code v[at, at+length)}, or -1. */
  private static int index(String[] names, String v, int at, int length) {
    for (int k = 0; k < names.length; k++) {
      if (names[k].length() == length && v.startsWith(names[k], at)) {
        return k;
      }
    }
    return -1;
  }
}
