package io.quorumkeeper.node;

/**
 * An input or state problem that stops the node before Kafka starts: the message is meant for a
 * person reading the pod log, and the exit code tells the kubelet (and tests) which kind of problem
 * it was.
 */
public final class LaunchException extends RuntimeException {

  /** Bad input: missing environment, malformed ConfigMap, unknown placeholder, unusable port. */
  public static final int BAD_INPUT = 2;

  /**
   * The disk holds something the launcher refuses to run or re-format (e.g. another cluster's
   * data).
   */
  public static final int STORAGE_REFUSED = 3;

  /** Kafka's StorageTool failed to format the empty disk. */
  public static final int FORMAT_FAILED = 4;

  private final int exitCode;

  public LaunchException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public LaunchException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public static LaunchException badInput(String message) {
    return new LaunchException(BAD_INPUT, message);
  }

  public int exitCode() {
    return exitCode;
  }
}
