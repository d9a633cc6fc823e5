package io.quorumkeeper.operator.status;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Times read back from status, which a user with rights on the status subresource can write. */
public final class StatusTimes {

  /**
   * How far ahead of this operator's clock a time in status may be and still be read: replicas of
   * the operator whose clocks differ by less hand over without losing an operation or a roll. A
   * time further ahead (a user's edit, a replica with a clock far ahead) would hold what it times
   * for as long: never resent, never settled, never refreshed.
   */
  public static final Duration AHEAD_AT_MOST = Duration.ofSeconds(30);

  private StatusTimes() {}

  /**
   * {@code text} as a time, or null when it is absent, no RFC 3339 time, or more than {@link
   * #AHEAD_AT_MOST} ahead of {@code now} (ADR 033).
   */
  public static Instant readable(String text, Instant now) {
    if (text == null) {
      return null;
    }
    try {
      Instant at = Instant.parse(text);
      return at.isAfter(now.plus(AHEAD_AT_MOST)) ? null : at;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
