package io.quorumkeeper.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.quorumkeeper.operator.api.v1alpha1.spec.BrokersSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.ControllersSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.HealingSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.KafkaSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.PodTemplate;
import io.quorumkeeper.operator.api.v1alpha1.spec.SecuritySpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Topology;
import java.util.List;

/** What the user asks for: Kafka version and config, topology, pools, healing and pod template. */
@ValidationRule(
    value = "self.topology == 'Separated' || !has(self.brokers)",
    message = QuorumClusterSpec.BROKERS_ONLY_SEPARATED)
@ValidationRule(
    value = "self.topology != 'Separated' || has(self.brokers)",
    message = QuorumClusterSpec.SEPARATED_NEEDS_BROKERS)
@ValidationRule(
    value =
        "!has(self.listeners) || !has(self.security) || !has(self.security.transport)"
            + " || self.security.transport == 'TLS' || (size(self.listeners) == 1"
            + " && self.listeners.all(l, (!has(l.tls) || !l.tls)"
            + " && (!has(l.authentication) || l.authentication == 'none')))",
    message = ListenerSpec.PLAINTEXT_ONE_ANONYMOUS)
public class QuorumClusterSpec {

  // The schema's messages, repeated word for word by the operator's own validation.
  public static final String BROKERS_ONLY_SEPARATED =
      "spec.brokers can only be set with topology Separated: in a Combined cluster every node is"
          + " already a broker";
  public static final String SEPARATED_NEEDS_BROKERS =
      "topology Separated needs a broker pool: set spec.brokers.replicas";
  public static final String TOPOLOGY_IMMUTABLE =
      "topology is immutable: create a new QuorumCluster to change it";

  @JsonPropertyDescription("Kafka version and extra server properties.")
  @Default("{}")
  private KafkaSpec kafka = new KafkaSpec();

  @JsonPropertyDescription(
      "Combined: every node is broker and controller. Separated: a controller pool plus a broker"
          + " pool. Cannot be changed after creation.")
  @Default("Combined")
  @ValidationRule(value = "self == oldSelf", message = TOPOLOGY_IMMUTABLE)
  private Topology topology = Topology.Combined;

  @JsonPropertyDescription(
      "The pool of pods with the controller role (in Combined topology: all nodes).")
  @Required
  private ControllersSpec controllers;

  @JsonPropertyDescription("The broker pool; only with topology Separated.")
  private BrokersSpec brokers;

  @JsonPropertyDescription("How the operator heals the controller quorum.")
  @Default("{}")
  private HealingSpec healing = new HealingSpec();

  @JsonPropertyDescription("Scheduling and metadata applied to every pod of the cluster.")
  private PodTemplate template;

  @JsonPropertyDescription("How the cluster's nodes are secured.")
  private SecuritySpec security;

  @JsonPropertyDescription(
      "The brokers' client listeners (docs/security.md). Not set: one anonymous listener, plain,"
          + " on 9092. TLS and authentication (scram-sha-512, tls) need security.transport TLS.")
  @Size(min = 1, max = ListenerSpec.MAX_LISTENERS)
  @ValidationRule(
      value = "self.all(l, self.exists_one(m, m.name == l.name))",
      message = ListenerSpec.NAMES_UNIQUE)
  @ValidationRule(
      value = "self.all(l, self.exists_one(m, m.port == l.port))",
      message = ListenerSpec.PORTS_UNIQUE)
  @ValidationRule(
      value = "self.all(l, !(l.name in ['controller', 'replication', 'agent']))",
      message = ListenerSpec.NAME_RESERVED)
  @ValidationRule(
      value = "self.all(l, !(l.port in [9091, 9093, 8080]))",
      message = ListenerSpec.PORT_RESERVED)
  @ValidationRule(
      value =
          "self.all(l, !has(l.authentication) || l.authentication != 'tls'"
              + " || (has(l.tls) && l.tls))",
      message = ListenerSpec.TLS_AUTH_NEEDS_TLS)
  private List<ListenerSpec> listeners;

  public KafkaSpec getKafka() {
    return kafka;
  }

  public void setKafka(KafkaSpec kafka) {
    this.kafka = kafka;
  }

  public Topology getTopology() {
    return topology;
  }

  public void setTopology(Topology topology) {
    this.topology = topology;
  }

  public ControllersSpec getControllers() {
    return controllers;
  }

  public void setControllers(ControllersSpec controllers) {
    this.controllers = controllers;
  }

  public BrokersSpec getBrokers() {
    return brokers;
  }

  public void setBrokers(BrokersSpec brokers) {
    this.brokers = brokers;
  }

  public HealingSpec getHealing() {
    return healing;
  }

  public void setHealing(HealingSpec healing) {
    this.healing = healing;
  }

  public PodTemplate getTemplate() {
    return template;
  }

  public void setTemplate(PodTemplate template) {
    this.template = template;
  }

  public List<ListenerSpec> getListeners() {
    return listeners;
  }

  public void setListeners(List<ListenerSpec> listeners) {
    this.listeners = listeners;
  }

  public SecuritySpec getSecurity() {
    return security;
  }

  public void setSecurity(SecuritySpec security) {
    this.security = security;
  }
}
