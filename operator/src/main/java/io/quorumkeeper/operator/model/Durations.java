package io.quorumkeeper.operator.model;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the CRD's durations: one or more number-unit pairs, as in {@code 1m30s} or {@code 500ms}.
 */
public final class Durations {

  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

  private Durations() {}

  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no duration given");
    }
    Matcher matcher = PART.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    try {
      while (matcher.find() && matcher.start() == end) {
        long amount = Long.parseLong(matcher.group(1));
        total =
            total.plus(
                switch (matcher.group(2)) {
                  case "ms" -> Duration.ofMillis(amount);
                  case "s" -> Duration.ofSeconds(amount);
                  case "m" -> Duration.ofMinutes(amount);
                  default -> Duration.ofHours(amount);
                });
        end = matcher.end();
      }
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("a duration too long to represent: " + text);
    }
    if (end == 0 || end != text.length()) {
      throw new IllegalArgumentException("not a duration like 30s or 1m30s: " + text);
    }
    return total;
  }
}
