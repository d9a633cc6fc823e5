package io.quorumkeeper.node.kafka;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the stock Kafka server ({@code kafka.Kafka.main}) in this JVM, on its own thread so the
 * agent can tell whether it is still alive.
 *
 * <p>Why in-process rather than a supervised child process: one JVM per pod costs one heap, one JIT
 * and one set of loaded classes instead of two; the agent reads Kafka's raft metrics straight from
 * the platform MBeanServer instead of over remote JMX or by parsing logs; and the pod's lifecycle
 * stays the one Kafka already implements — {@code kafka.Kafka} installs its own SIGTERM shutdown
 * hook for controlled shutdown and exits the JVM when it stops or fails, so the kubelet sees a
 * Kafka failure as a container exit, with no second supervisor to keep in sync. The price is that a
 * Kafka crash also takes the agent down, which is what liveness would report anyway.
 */
public final class KafkaRunner {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaRunner.class);

  private final Thread thread;
  private volatile boolean stopped;

  public KafkaRunner(Path serverProperties) {
    this.thread = new Thread(() -> runKafka(serverProperties), "kafka-main");
    this.thread.setUncaughtExceptionHandler(
        (t, e) -> LOG.error("Kafka stopped with an unexpected error", e));
  }

  private void runKafka(Path serverProperties) {
    try {
      kafka.Kafka.main(new String[] {serverProperties.toString()});
    } finally {
      stopped = true;
    }
  }

  public void start() {
    thread.start();
  }

  /**
   * False once Kafka's main has returned or thrown (true while starting, so liveness never flaps).
   */
  public boolean isAlive() {
    return !stopped;
  }

  /** Blocks until Kafka's main returns (normally it exits the JVM itself first). */
  public void awaitExit() throws InterruptedException {
    thread.join();
  }
}
