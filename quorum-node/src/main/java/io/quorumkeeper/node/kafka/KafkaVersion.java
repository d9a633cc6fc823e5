package io.quorumkeeper.node.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of the Kafka jars on this JVM's classpath, read from the {@code
 * kafka/kafka-version.properties} resource kafka-clients carries. Not through Kafka's {@code
 * AppInfoParser}: 4.4 moved it to {@code org.apache.kafka.common.utils.internals}, and the launcher
 * runs unchanged on every Kafka version the build bundles (docs/upgrades.md).
 */
public final class KafkaVersion {

  static final String RESOURCE = "kafka/kafka-version.properties";

  private static final String CURRENT = read();

  private KafkaVersion() {}

  /** For instance {@code 4.4.0}; {@code unknown} if kafka-clients is not on the classpath. */
  public static String current() {
    return CURRENT;
  }

  private static String read() {
    try (InputStream in = KafkaVersion.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties props = new Properties();
      props.load(in);
      return props.getProperty("version", "unknown").strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }
}
