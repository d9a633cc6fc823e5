package io.quorumkeeper.operator.observe;

import java.util.List;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The leader answered a voter change with a passing refusal it gives before it appends anything:
 * nothing of this send can still commit, so it may be sent again at the next observation instead of
 * after the settle time that guards a change which timed out (KAFKA-20740, docs/adr/006).
 *
 * <p>Kafka answers both a refusal and a change that did not commit in time with REQUEST_TIMED_OUT;
 * only the leader's message tells them apart. The messages below are those of Kafka 4.3 and 4.4's
 * add and remove handlers for the checks they make before appending (a new voter that does not
 * answer or lags, an earlier change still pending or uncommitted, no high watermark yet). A message
 * we do not know is never taken for a refusal: that send waits out the settle time as before.
 * Lasting refusals (an unsupported kraft.version, an invalid request) are left out too: sending
 * them again at every observation would only repeat the answer.
 */
public final class VoterChangeRefused extends QuorumUnavailableException {

  private static final List<String> REFUSED_BEFORE_APPEND =
      List.of(
          "is not ready to receive requests",
          "since API_VERSIONS returned an error",
          "since it is lagging behind",
          "waiting for leader to handle previous voter change request",
          "waiting for leader to establish HWM",
          "waiting for voters to commit the latest voter change");

  public VoterChangeRefused(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether Kafka's answer {@code cause} is a refusal given before anything was appended. */
  static boolean beforeAppend(Throwable cause) {
    if (!(cause instanceof TimeoutException) || cause.getMessage() == null) {
      return false;
    }
    String message = cause.getMessage();
    return REFUSED_BEFORE_APPEND.stream().anyMatch(message::contains);
  }
}
