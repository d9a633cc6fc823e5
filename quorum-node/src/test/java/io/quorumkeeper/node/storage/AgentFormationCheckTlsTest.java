package io.quorumkeeper.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.node.agent.AgentLimits;
import io.quorumkeeper.node.agent.AgentRoutes;
import io.quorumkeeper.node.agent.AgentServer;
import io.quorumkeeper.node.agent.AgentTls;
import io.quorumkeeper.node.agent.BearerToken;
import io.quorumkeeper.node.agent.NodeIdentity;
import io.quorumkeeper.node.agent.NodeStatus;
import io.quorumkeeper.node.agent.RaftMetrics;
import io.quorumkeeper.node.agent.RequestCounter;
import io.quorumkeeper.node.config.ProcessRole;
import io.quorumkeeper.node.tls.TestCa;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agents' evidence over HTTPS: a peer's agent is believed only with a cluster CA certificate.
 */
class AgentFormationCheckTlsTest {

  static final String PEER = "127.0.56.1";
  static final int PORT = 18556;
  static final String POD = "orders-controller-1";

  @TempDir Path dir;
  private final TestCa ca = TestCa.create("orders-ca");
  private AgentServer peer;

  /**
   * A real agent whose node follows leader 2, serving HTTPS with a certificate of {@code issuer}.
   */
  void peerWithCertificateOf(TestCa issuer) {
    Path tls = issuer.writeTlsDir(dir.resolve("peer"), POD, PEER);
    NodeIdentity identity =
        new NodeIdentity(
            1, "Zm9vYmFyYmF6cXV4MTIzNA", "MkU3OEVBNTcwNTJENDM2Qg", Set.of(ProcessRole.CONTROLLER));
    RaftMetrics following =
        new RaftMetrics("follower", 2, 5, 120, 121, RaftMetrics.Latencies.unknown());
    AgentRoutes routes =
        new AgentRoutes(
            () -> new NodeStatus(identity, true, Optional.of(following), Optional.empty()),
            new BearerToken("t0ken-t0ken-t0ken-t0ken-t0ken-t0ken"),
            new RequestCounter());
    peer =
        AgentServer.start(
            PEER,
            PORT,
            routes,
            AgentLimits.DEFAULT,
            Optional.of(AgentTls.server(tls.resolve(POD + ".pem"))));
  }

  OptionalInt checkTrustingTheClusterCa() {
    Path ours = ca.writeTlsDir(dir.resolve("ours"), "orders-controller-0", "127.0.56.9");
    return new AgentFormationCheck(
            PEER + ":9093",
            PORT,
            "t0ken-t0ken-t0ken-t0ken-t0ken-t0ken",
            Duration.ofSeconds(2),
            Optional.of(AgentTls.clientTrusting(ours.resolve("ca.crt"))))
        .findLeader();
  }

  @AfterEach
  void stop() {
    if (peer != null) {
      peer.close();
    }
  }

  @Test
  void givenAPeerAgentWithACertificateOfTheClusterCa_thenItsLeaderIsBelieved() {
    peerWithCertificateOf(ca);

    assertThat(checkTrustingTheClusterCa()).hasValue(2);
  }

  @Test
  void givenAPeerAgentWithACertificateOfAnotherCa_thenItIsNotAsked() {
    peerWithCertificateOf(TestCa.create("orders-ca"));

    assertThat(checkTrustingTheClusterCa()).isEmpty();
  }
}
