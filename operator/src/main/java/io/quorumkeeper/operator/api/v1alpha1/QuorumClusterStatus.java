package io.quorumkeeper.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import io.quorumkeeper.operator.api.v1alpha1.status.BootstrapStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.BrokerCordon;
import io.quorumkeeper.operator.api.v1alpha1.status.KafkaStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.OperationStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.QuorumStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.RollStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the operator observed and decided; written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QuorumClusterStatus {

  /** Every node id two pools of at most 99 pods each can hold. */
  public static final int MAX_BROKER_CORDONS = 200;

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription("The Kafka cluster id, generated once and kept for the cluster's life.")
  private String clusterId;

  @JsonPropertyDescription(
      "How the quorum was first formed: the initial voters' directory ids, generated once.")
  private BootstrapStatus bootstrap;

  @JsonPropertyDescription(
      "Ready, QuorumHealthy, Healing, Progressing, SpecInvalid, Paused and Warning conditions.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("The Raft controller quorum as last observed.")
  private QuorumStatus quorum;

  @JsonPropertyDescription(
      "The one voter-set change in flight, recorded before it starts and cleared once Kafka has"
          + " committed it.")
  private OperationStatus operation;

  @JsonPropertyDescription(
      "The one pod restart of a rolling restart in flight, recorded before the pod is evicted and"
          + " cleared once the pod is back (Ready, caught up, in its ISRs).")
  private RollStatus roll;

  @JsonPropertyDescription(
      "The Kafka versions the pods run and the finalized metadata.version (docs/upgrades.md).")
  private KafkaStatus kafka;

  @JsonPropertyDescription(
      "The spec the operator last accepted, as JSON: what runs while a newer spec is refused.")
  private String lastAcceptedSpec;

  @JsonPropertyDescription(
      "Brokers the operator cordoned (cordoned.log.dirs=*, KIP-1066) so that Kafka places no new"
          + " partition on them before their pods go; each is lifted when the spec asks for the"
          + " broker again (docs/operations.md).")
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @Size(max = MAX_BROKER_CORDONS)
  private List<BrokerCordon> brokerCordons = new ArrayList<>();

  public List<BrokerCordon> getBrokerCordons() {
    return brokerCordons;
  }

  public void setBrokerCordons(List<BrokerCordon> brokerCordons) {
    this.brokerCordons = brokerCordons == null ? new ArrayList<>() : brokerCordons;
  }

  public String getLastAcceptedSpec() {
    return lastAcceptedSpec;
  }

  public void setLastAcceptedSpec(String lastAcceptedSpec) {
    this.lastAcceptedSpec = lastAcceptedSpec;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public String getClusterId() {
    return clusterId;
  }

  public void setClusterId(String clusterId) {
    this.clusterId = clusterId;
  }

  public BootstrapStatus getBootstrap() {
    return bootstrap;
  }

  public void setBootstrap(BootstrapStatus bootstrap) {
    this.bootstrap = bootstrap;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public OperationStatus getOperation() {
    return operation;
  }

  public void setOperation(OperationStatus operation) {
    this.operation = operation;
  }

  public RollStatus getRoll() {
    return roll;
  }

  public void setRoll(RollStatus roll) {
    this.roll = roll;
  }

  public KafkaStatus getKafka() {
    return kafka;
  }

  public void setKafka(KafkaStatus kafka) {
    this.kafka = kafka;
  }

  public QuorumStatus getQuorum() {
    return quorum;
  }

  public void setQuorum(QuorumStatus quorum) {
    this.quorum = quorum;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuorumClusterStatus s
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(clusterId, s.clusterId)
        && Objects.equals(bootstrap, s.bootstrap)
        && Objects.equals(conditions, s.conditions)
        && Objects.equals(quorum, s.quorum)
        && Objects.equals(operation, s.operation)
        && Objects.equals(roll, s.roll)
        && Objects.equals(kafka, s.kafka)
        && Objects.equals(lastAcceptedSpec, s.lastAcceptedSpec)
        && Objects.equals(brokerCordons, s.brokerCordons);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration,
        clusterId,
        bootstrap,
        conditions,
        quorum,
        operation,
        roll,
        kafka,
        lastAcceptedSpec,
        brokerCordons);
  }
}
