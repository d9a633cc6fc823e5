package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import io.quorumkeeper.operator.api.v1alpha1.status.VoterRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The repository's example resources, with the metadata an API server would have given them. */
public final class Examples {

  static final ModelSettings SETTINGS =
      new ModelSettings("quorum-keeper/quorum-node", "IfNotPresent");

  /** A certificates revision as ClusterCertificates writes it. */
  static final String CERTIFICATES = "0123456789ab.0";

  private Examples() {}

  public static QuorumCluster load(String file) {
    try {
      QuorumCluster cr =
          Serialization.unmarshal(
              Files.readString(Path.of("../examples", file)), QuorumCluster.class);
      cr.getMetadata().setNamespace("kafka");
      cr.getMetadata().setUid("00000000-0000-0000-0000-000000000001");
      cr.getMetadata().setGeneration(1L);
      return cr;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fixed identity: cluster id and directory ids as Kafka would format them. */
  static ClusterIdentity identity(QuorumCluster cr) {
    Pool controllers = ClusterModel.pools(cr).get(0);
    List<VoterRef> voters = new ArrayList<>();
    for (int i = 0; i < cr.getSpec().getControllers().desiredVoters(); i++) {
      voters.add(new VoterRef(controllers.nodeId(i), "dir" + i + "AAAAAAAAAAAAAAAAAAA"));
    }
    return new ClusterIdentity("q0x9VqLJQXa3hZ2c0JmQ4w", voters, false);
  }

  /** The same identity, of a cluster created with TLS. */
  static ClusterIdentity tlsIdentity(QuorumCluster cr) {
    ClusterIdentity plain = identity(cr);
    return new ClusterIdentity(
        plain.clusterId(), plain.initialVoters(), plain.formed(), Transport.TLS);
  }

  /** The same identity, of a TLS cluster created with authenticated default clients (ADR 015). */
  static ClusterIdentity tlsIdentityWithScramClients(QuorumCluster cr) {
    ClusterIdentity plain = identity(cr);
    return new ClusterIdentity(
        plain.clusterId(),
        plain.initialVoters(),
        plain.formed(),
        Transport.TLS,
        ListenerAuthentication.SCRAM_SHA_512);
  }
}
