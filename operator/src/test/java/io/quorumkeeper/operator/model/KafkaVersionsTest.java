package io.quorumkeeper.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KafkaVersionsTest {

  @Test
  void theTagOfAnImageIsItsKafkaVersion() {
    assertThat(KafkaVersions.tag("quorum-keeper/quorum-node:4.3.1")).isEqualTo("4.3.1");
    assertThat(KafkaVersions.tag("registry:5000/quorum-node:4.4.0")).isEqualTo("4.4.0");
    assertThat(KafkaVersions.tag("registry:5000/quorum-node:4.4.0@sha256:ab")).isEqualTo("4.4.0");
    assertThat(KafkaVersions.tag("registry:5000/quorum-node")).isNull();
    assertThat(KafkaVersions.tag(null)).isNull();
  }

  @Test
  void aChangeOfTagIsAKafkaVersionChange() {
    assertThat(KafkaVersions.change("r/quorum-node:4.3.1", "r/quorum-node:4.4.0"))
        .isEqualTo("Kafka version 4.3.1 -> 4.4.0");
    assertThat(KafkaVersions.change("a/quorum-node:4.4.0", "b/quorum-node:4.4.0"))
        .isEqualTo("image a/quorum-node:4.4.0 -> b/quorum-node:4.4.0");
    assertThat(KafkaVersions.change("r/quorum-node:4.4.0", "r/quorum-node:4.4.0")).isNull();
    assertThat(KafkaVersions.change(null, "r/quorum-node:4.4.0")).isNull();
  }
}
