package io.quorumkeeper.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** An Apache Kafka cluster in KRaft mode whose controller quorum Quorum Keeper keeps healthy. */
@Group(QuorumCluster.GROUP)
@Version(QuorumCluster.VERSION)
@Plural("quorumclusters")
@ShortNames("qc")
@Categories({"quorumkeeper", "kafka-quorum"})
@AdditionalPrinterColumn(name = "Topology", jsonPath = ".spec.topology", type = Type.STRING)
@AdditionalPrinterColumn(
    name = "Voters",
    jsonPath = ".status.quorum.voterSummary",
    type = Type.STRING)
@AdditionalPrinterColumn(name = "Leader", jsonPath = ".status.quorum.leaderId", type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Epoch",
    jsonPath = ".status.quorum.leaderEpoch",
    type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Tolerates",
    jsonPath = ".status.quorum.faultTolerance",
    type = Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = Type.DATE)
@AdditionalPrinterColumn(
    name = "Version",
    jsonPath = ".spec.kafka.version",
    type = Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Running",
    jsonPath = ".status.kafka.runningVersions",
    type = Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Transport",
    jsonPath = ".status.bootstrap.transport",
    type = Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Healing",
    jsonPath = ".status.conditions[?(@.type==\"Healing\")].reason",
    type = Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Progressing",
    jsonPath = ".status.conditions[?(@.type==\"Progressing\")].reason",
    type = Type.STRING,
    priority = 1)
public class QuorumCluster extends CustomResource<QuorumClusterSpec, QuorumClusterStatus>
    implements Namespaced {

  public static final String GROUP = "quorumkeeper.io";
  public static final String VERSION = "v1alpha1";
  public static final String PAUSED_ANNOTATION = GROUP + "/paused";
}
