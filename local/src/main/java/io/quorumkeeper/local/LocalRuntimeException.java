package io.quorumkeeper.local;

/** A failure of the local runtime with a message a user can act on; shown without a stack trace. */
public class LocalRuntimeException extends RuntimeException {

  public LocalRuntimeException(String message) {
    super(message);
  }

  public LocalRuntimeException(String message, Throwable cause) {
    super(message, cause);
  }
}
