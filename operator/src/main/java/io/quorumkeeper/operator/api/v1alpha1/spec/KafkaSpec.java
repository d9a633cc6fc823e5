package io.quorumkeeper.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import java.util.Map;
import java.util.TreeMap;

/** The Kafka version to run and the server properties the user adds. */
public class KafkaSpec {

  @JsonPropertyDescription(
      "Apache Kafka version; selects the quorum-node image tag. The operator rejects versions it"
          + " does not support with a SpecInvalid condition. A change rolls every pod onto the"
          + " new version, one at a time (docs/upgrades.md).")
  @Default("4.4.0")
  @Pattern("^[0-9]+\\.[0-9]+\\.[0-9]+$")
  private String version = "4.4.0";

  @JsonPropertyDescription(
      "The metadata.version to finalize, for instance 4.4-IV2; unset, the operator never changes"
          + " it. Finalized with Kafka Admin updateFeatures, that feature alone, once every pod"
          + " runs spec.kafka.version. It is never lowered, and afterwards a Kafka version that"
          + " cannot run it is refused (docs/upgrades.md).")
  @Pattern("^[0-9]+\\.[0-9]+-IV[0-9]+$")
  private String metadataVersion;

  @JsonPropertyDescription(
      "Extra Kafka server properties for every node. Keys the operator owns (node.id,"
          + " process.roles, listeners, controller.quorum.*, log.dirs, ...) are rejected with a"
          + " reason.")
  private Map<String, String> config = new TreeMap<>();

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getMetadataVersion() {
    return metadataVersion;
  }

  public void setMetadataVersion(String metadataVersion) {
    this.metadataVersion = metadataVersion;
  }

  public Map<String, String> getConfig() {
    return config;
  }

  public void setConfig(Map<String, String> config) {
    this.config = config;
  }
}
