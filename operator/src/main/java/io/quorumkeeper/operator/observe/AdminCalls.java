package io.quorumkeeper.operator.observe;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaFuture;

/**
 * Waits for one Kafka Admin call, bounded, turning every way it can fail into one readable cause.
 */
final class AdminCalls {

  private AdminCalls() {}

  /**
   * The call's result, waited for a little longer than the Admin's own {@code timeout} (which
   * answers first with its own error).
   *
   * @param what the call, for the message
   * @param who what should have answered ("controller", "broker")
   */
  static <T> T await(KafkaFuture<T> future, Duration timeout, String what, String who)
      throws QuorumUnavailableException {
    try {
      return future.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new QuorumUnavailableException(
          what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new QuorumUnavailableException(what + ": no " + who + " answered within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QuorumUnavailableException("interrupted", e);
    }
  }
}
