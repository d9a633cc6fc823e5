package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster's NetworkPolicy: whoever reaches port 9093 can change the voter set, so controller
 * and replication traffic is admitted only from the cluster's own pods and the operator's, the
 * agent from the same (its node facts need the cluster's token), and the client listener from
 * anywhere. Ingress only: the pods' egress is not restricted.
 */
public final class NetworkPolicyModel {

  /** The replication listener of TLS clusters (broker to broker, mTLS). */

  /** The label of the operator's own pods (deploy/base/operator.yaml), in whatever namespace. */
  static final Map<String, String> OPERATOR_POD = Map.of("app.kubernetes.io/name", "quorum-keeper");

  /** The label Kubernetes sets on every namespace to its name (since 1.21). */
  static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

  private NetworkPolicyModel() {}

  public static String name(String cluster) {
    return cluster + "-network";
  }

  public static NetworkPolicy render(QuorumCluster cr, List<ClientListener> clients) {
    return render(cr, clients, Optional.empty());
  }

  /**
   * As above, the operator's pods admitted from {@code operatorNamespace} alone when it is known:
   * anyone who may create a pod in some namespace can give it the operator's label, and on a
   * Plaintext cluster whoever reaches the controller port can change the voter set.
   */
  public static NetworkPolicy render(
      QuorumCluster cr, List<ClientListener> clients, Optional<String> operatorNamespace) {
    String cluster = cr.getMetadata().getName();
    NetworkPolicyPeer operator = operatorPods(operatorNamespace);
    return new NetworkPolicyBuilder()
        .withMetadata(Owner.meta(cr, name(cluster), Labels.cluster(cluster)))
        .withNewSpec()
        .withPodSelector(clusterPods(cluster))
        .withPolicyTypes("Ingress")
        .withIngress(quorum(cluster, operator), agent(cluster, operator), clients(clients))
        .endSpec()
        .build();
  }

  /** Controller (9093) and replication (9091): the cluster's own pods and the operator. */
  private static NetworkPolicyIngressRule quorum(String cluster, NetworkPolicyPeer operator) {
    return new NetworkPolicyIngressRuleBuilder()
        .withFrom(new NetworkPolicyPeerBuilder().withPodSelector(clusterPods(cluster)).build())
        .addToFrom(operator)
        .withPorts(tcp(Pool.CONTROLLER_PORT), tcp(Pool.REPLICATION_PORT))
        .build();
  }

  /**
   * The agent (8080): the operator, and the cluster's own pods, whose launchers ask their
   * controller peers' agents whether the quorum ever formed before formatting a disk (ADR 004) and,
   * on a broker, whether it has committed before starting Kafka (ADR 018); without this rule an
   * enforcing CNI silences those answers and the launchers fall back to Kafka's (slower, as safe).
   * Kubelet probes need no rule: kubelet probes come from the pod's own node, and connections from
   * a pod's node are admitted whatever its policies say (Kubernetes' NetworkPolicy semantics, which
   * the common CNIs such as Calico and Cilium implement), so they are not subject to
   * NetworkPolicies.
   */
  private static NetworkPolicyIngressRule agent(String cluster, NetworkPolicyPeer operator) {
    return new NetworkPolicyIngressRuleBuilder()
        .withFrom(new NetworkPolicyPeerBuilder().withPodSelector(clusterPods(cluster)).build())
        .addToFrom(operator)
        .withPorts(tcp(Pool.AGENT_PORT))
        .build();
  }

  /** The client listeners (by default 9092): no {@code from}, so from anywhere. */
  private static NetworkPolicyIngressRule clients(List<ClientListener> listeners) {
    return new NetworkPolicyIngressRuleBuilder()
        .withPorts(listeners.stream().map(l -> tcp(l.port())).toList())
        .build();
  }

  /**
   * The operator's pods in its own namespace ({@code kubernetes.io/metadata.name}, which Kubernetes
   * sets on every namespace to its name), or in any namespace when that is not known. Any: a
   * selector on that label's existence rather than the equivalent empty selector, which {@code
   * ManagedFields} would drop as the API server drops empty maps (and a peer without a namespace
   * selector means the cluster's own namespace only).
   */
  private static NetworkPolicyPeer operatorPods(Optional<String> namespace) {
    LabelSelector namespaces =
        namespace
            .map(
                ns ->
                    new LabelSelectorBuilder().withMatchLabels(Map.of(NAMESPACE_NAME, ns)).build())
            .orElseGet(
                () ->
                    new LabelSelectorBuilder()
                        .addNewMatchExpression()
                        .withKey(NAMESPACE_NAME)
                        .withOperator("Exists")
                        .endMatchExpression()
                        .build());
    return new NetworkPolicyPeerBuilder()
        .withNamespaceSelector(namespaces)
        .withPodSelector(new LabelSelectorBuilder().withMatchLabels(OPERATOR_POD).build())
        .build();
  }

  /** Every pod of the cluster, of every pool, in the cluster's namespace. */
  private static LabelSelector clusterPods(String cluster) {
    return new LabelSelectorBuilder().withMatchLabels(Map.of(Labels.CLUSTER, cluster)).build();
  }

  private static NetworkPolicyPort tcp(int port) {
    return new NetworkPolicyPortBuilder()
        .withProtocol("TCP")
        .withPort(new IntOrString(port))
        .build();
  }
}
