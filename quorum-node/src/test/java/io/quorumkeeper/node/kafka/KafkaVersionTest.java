package io.quorumkeeper.node.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KafkaVersionTest {

  @Test
  void isTheVersionOfTheKafkaClientsJarOnTheClasspath() {
    String jar =
        org.apache.kafka.clients.admin.Admin.class
            .getProtectionDomain()
            .getCodeSource()
            .getLocation()
            .getPath();

    assertThat(KafkaVersion.current()).matches("\\d+\\.\\d+\\.\\d+");
    assertThat(jar).endsWith("kafka-clients-" + KafkaVersion.current() + ".jar");
  }
}
