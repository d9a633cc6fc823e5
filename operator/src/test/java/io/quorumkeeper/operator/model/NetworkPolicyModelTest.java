package io.quorumkeeper.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the cluster's NetworkPolicy admits, read as a CNI would: per port, which peers. The golden
 * files in ClusterModelTest pin the exact document; this says what it means.
 */
class NetworkPolicyModelTest {

  private static final Map<String, String> OPERATOR =
      Map.of("app.kubernetes.io/name", "quorum-keeper");

  @ParameterizedTest
  @ValueSource(strings = {"combined.yaml", "separated.yaml"})
  void givenCluster_thenQuorumAndAgentPortsAdmitOnlyItsPodsAndTheOperator(String example) {
    QuorumCluster cr = Examples.load(example);
    String name = cr.getMetadata().getName();

    ClusterModel model = ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS);
    NetworkPolicy policy = model.networkPolicy();

    assertThat(policy.getMetadata().getName()).isEqualTo(name + "-network");
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(Map.of(Labels.CLUSTER, name));
    assertThat(model.statefulSets())
        .as("every pod of every pool is selected")
        .allSatisfy(
            s ->
                assertThat(s.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(policy.getSpec().getPodSelector().getMatchLabels()));
    assertThat(peers(policy, 9093)).containsExactlyInAnyOrder("cluster " + name, "operator");
    assertThat(peers(policy, 9091)).containsExactlyInAnyOrder("cluster " + name, "operator");
    // the launchers ask their controller peers' agents (ADR 004, ADR 018)
    assertThat(peers(policy, 8080)).containsExactlyInAnyOrder("cluster " + name, "operator");
    assertThat(peers(policy, 9092)).containsExactly("anyone");
    assertThat(policy.getSpec().getIngress())
        .flatExtracting(NetworkPolicyIngressRule::getPorts)
        .extracting(p -> p.getPort().getIntVal())
        .containsExactlyInAnyOrder(9093, 9091, 8080, 9092);
  }

  /**
   * Anyone who may create a pod somewhere can give it the operator's label: once the operator knows
   * its namespace, its pods are admitted from there alone, on every port the rule covers.
   */
  @Test
  void givenTheOperatorsNamespace_thenOnlyItsPodsThereAreAdmittedAsTheOperator() {
    QuorumCluster cr = Examples.load("combined.yaml");
    ModelSettings settings =
        new ModelSettings("quorum-keeper/quorum-node", "IfNotPresent", Optional.of("qk-system"));

    NetworkPolicy policy = ClusterModel.from(cr, Examples.identity(cr), settings).networkPolicy();

    String name = cr.getMetadata().getName();
    for (int port : List.of(9093, 9091, 8080)) {
      assertThat(peers(policy, port))
          .as("port %d", port)
          .containsExactlyInAnyOrder("cluster " + name, "operator in qk-system");
    }
    assertThat(peers(policy, 9092)).containsExactly("anyone");
  }

  @Test
  void givenTheOperatorsDeployment_thenItsPodsCarryTheLabelThePolicyAdmits() throws IOException {
    Deployment operator =
        Serialization.unmarshal(
            Files.readString(Path.of("../deploy/base/operator.yaml")), Deployment.class);

    assertThat(operator.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(NetworkPolicyModel.OPERATOR_POD)
        .containsAllEntriesOf(OPERATOR);
  }

  /** Who the rules admit on {@code port}: "anyone", "operator" or "cluster <name>". */
  private static List<String> peers(NetworkPolicy policy, int port) {
    return policy.getSpec().getIngress().stream()
        .filter(
            r ->
                r.getPorts().stream()
                    .map(NetworkPolicyPort::getPort)
                    .anyMatch(p -> p.getIntVal() == port))
        .flatMap(
            r ->
                r.getFrom().isEmpty()
                    ? List.of("anyone").stream()
                    : r.getFrom().stream().map(NetworkPolicyModelTest::peer))
        .toList();
  }

  private static String peer(NetworkPolicyPeer peer) {
    LabelSelector namespaces = peer.getNamespaceSelector();
    if (namespaces != null
        && namespaces.getMatchLabels() != null
        && !namespaces.getMatchLabels().isEmpty()) {
      assertThat(namespaces.getMatchExpressions()).isNullOrEmpty();
      assertThat(namespaces.getMatchLabels()).containsOnlyKeys("kubernetes.io/metadata.name");
      assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(OPERATOR);
      return "operator in " + namespaces.getMatchLabels().get("kubernetes.io/metadata.name");
    }
    if (namespaces != null) {
      // every namespace has the label: the peer is any namespace's pod with the operator's label
      assertThat(namespaces.getMatchLabels()).isNullOrEmpty();
      assertThat(namespaces.getMatchExpressions())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.getKey()).isEqualTo("kubernetes.io/metadata.name");
                assertThat(e.getOperator()).isEqualTo("Exists");
              });
      assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(OPERATOR);
      return "operator";
    }
    assertThat(peer.getIpBlock()).isNull();
    return "cluster " + peer.getPodSelector().getMatchLabels().get(Labels.CLUSTER);
  }
}
