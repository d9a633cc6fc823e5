package io.quorumkeeper.operator.observe;

/** No controller answered with the quorum's state: an expected condition, not a bug. */
public class QuorumUnavailableException extends Exception {

  public QuorumUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
