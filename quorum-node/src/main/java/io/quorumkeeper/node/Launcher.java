package io.quorumkeeper.node;

import io.quorumkeeper.node.agent.AgentLimits;
import io.quorumkeeper.node.agent.AgentRoutes;
import io.quorumkeeper.node.agent.AgentServer;
import io.quorumkeeper.node.agent.AgentTls;
import io.quorumkeeper.node.agent.BearerToken;
import io.quorumkeeper.node.agent.NodeIdentity;
import io.quorumkeeper.node.agent.NodeProbe;
import io.quorumkeeper.node.agent.NodeStatus;
import io.quorumkeeper.node.agent.NodeView;
import io.quorumkeeper.node.agent.RaftStallWatch;
import io.quorumkeeper.node.agent.RequestCounter;
import io.quorumkeeper.node.config.PodFacts;
import io.quorumkeeper.node.config.ProcessRole;
import io.quorumkeeper.node.kafka.JmxNodeProbe;
import io.quorumkeeper.node.kafka.KafkaRunner;
import io.quorumkeeper.node.storage.AdminLeaderCheck;
import io.quorumkeeper.node.storage.AgentFormationCheck;
import io.quorumkeeper.node.storage.ControllerClientSecurity;
import io.quorumkeeper.node.storage.FormatDecision;
import io.quorumkeeper.node.storage.LeaderCheck;
import io.quorumkeeper.node.storage.MetadataLogOnDisk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quorum-node container's entry point: reads the pod's environment and ConfigMap, renders
 * server.properties, formats an empty disk with Kafka's StorageTool, starts the agent (HTTPS when
 * {@code ${QK_TLS_DIR}/${POD_NAME}.pem} exists), then runs Kafka in this JVM ({@link KafkaRunner}
 * says why in-process).
 *
 * <p>Exit codes: 2 bad input (environment, ConfigMap, token, agent port), 3 the disk is refused
 * (another cluster's or node's data), 4 formatting failed; once Kafka runs, Kafka's own exit codes.
 */
public final class Launcher {

  static {
    DnsCaching.rememberAnswersBriefly(); // before the logger below, whose set-up looks names up
    InMemoryKeyStores.protectWithOneIteration();
    NoConfigProviders.refuseAll();
  }

  /** How long the leader question may take when no controller peer is up yet. */
  static final Duration LEADER_CHECK_DEADLINE = Duration.ofSeconds(3);

  /** How often the peers' agents are asked while a node waits for its controller peers. */
  static final Duration AGENTS_EVERY = Duration.ofMillis(200);

  /**
   * How often the formation check asks the agents that have not answered yet (those that have are
   * not asked again): at a cluster's creation the first nodes up wait for the last one's agent, and
   * a refused connection costs next to nothing (issue 15).
   */
  static final Duration FORMATION_EVERY = Duration.ofMillis(50);

  /** How long the agents alone may decide before Kafka is asked too (issue 15). */
  static final Duration KAFKA_ASKED_AFTER = Duration.ofSeconds(1);

  /** How long a broker-only node waits for the controller quorum's first commit (ADR 018). */
  static final Duration COMMITTED_WITHIN = Duration.ofSeconds(30);

  /**
   * How long a controller that formatted an empty disk waits for its peers to stop naming it their
   * leader (ADR 019).
   */
  static final Duration ELECTED_WITHIN = Duration.ofSeconds(30);

  /** The cluster CA next to the pod's key and chain in the TLS Secret. */
  static final String CA_FILE = "ca.crt";

  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);

  private Launcher() {}

  public static void main(String[] args) {
    try {
      run(System.getenv());
    } catch (LaunchException e) {
      LOG.error("quorum-node cannot start: {}", e.getMessage());
      System.exit(e.exitCode());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.exit(1);
    } catch (RuntimeException e) {
      LOG.error("quorum-node failed unexpectedly before Kafka started", e);
      System.exit(1);
    }
  }

  private static String readToken(PodFacts pod) {
    try {
      return java.nio.file.Files.readString(pod.tokenFile()).strip();
    } catch (java.io.IOException e) {
      return ""; // BearerToken.fromFile has already refused a missing token file
    }
  }

  /**
   * Kafka's answer (over the controller listener's protocol, TLS with this node's own certificate
   * on a TLS cluster), else the peers' agents.
   */
  private static Function<Properties, LeaderCheck> leaderChecks(AgentFormationCheck agents) {
    return server ->
        AgentFormationCheck.racing(
            new AdminLeaderCheck(
                controllers(server),
                LEADER_CHECK_DEADLINE,
                ControllerClientSecurity.clientProperties(server)),
            agents,
            FORMATION_EVERY,
            KAFKA_ASKED_AFTER);
  }

  private static String controllers(Properties server) {
    return server.getProperty("controller.quorum.bootstrap.servers", "");
  }

  /**
   * The agents of the controllers in the rendered {@code server}'s bootstrap servers; this node's
   * own, when it is one of them, read in the JVM.
   */
  private static AgentFormationCheck controllerAgents(
      Properties server,
      int agentPort,
      String token,
      Optional<SSLContext> peerAgentsTls,
      OwnAgent own) {
    return new AgentFormationCheck(
            controllers(server), agentPort, token, Duration.ofMillis(1500), peerAgentsTls)
        .answeringForItself(own.host(), own.answer());
  }

  /** This node's host name in the bootstrap servers, and the body its agent serves at /v1/node. */
  private record OwnAgent(String host, Supplier<Object> answer) {}

  /** The node's whole start, then Kafka's run; also the class archive's training run. */
  static void run(Map<String, String> env) throws InterruptedException {
    PodFacts pod = PodFacts.fromEnv(env);
    LOG.info(
        "quorum-node starting: pod {} (ordinal {}), host {}, ip {}",
        pod.podName(),
        pod.ordinal(),
        pod.podHost(),
        pod.podIp());
    BearerToken token = BearerToken.fromFile(pod.tokenFile());
    String tokenValue = readToken(pod);
    Optional<Path> agentKeyAndChain = pod.tlsKeyAndChain();
    Optional<SSLContext> agentTls = agentKeyAndChain.map(AgentTls::server);
    Optional<SSLContext> peerAgentsTls =
        agentKeyAndChain.map(pem -> AgentTls.clientTrusting(pem.resolveSibling(CA_FILE)));
    NodePreparation.Rendered rendered = NodePreparation.render(pod);

    // The agent answers from before the disk is decided on, so that peers deciding at the same
    // moment hear what this disk holds (ADR 004); Kafka's view replaces the preparing one below.
    Supplier<Optional<Boolean>> recordsOnDisk =
        MetadataLogOnDisk.watching(rendered.metadataLogDir());
    AtomicReference<NodeProbe> probe =
        new AtomicReference<>(() -> preparing(rendered, recordsOnDisk));
    OwnAgent own = new OwnAgent(pod.podHost(), () -> NodeView.of(probe.get().status()));
    // One check, and so one HTTP client, for every question to the controllers' agents: the
    // formation check, then a wiped controller's or a broker's wait reuse its connections.
    AgentFormationCheck controllerAgents =
        controllerAgents(
            rendered.server(), rendered.settings().agentPort(), tokenValue, peerAgentsTls, own);
    NodePreparation preparation = new NodePreparation(leaderChecks(controllerAgents));
    AgentRoutes routes = new AgentRoutes(() -> probe.get().status(), token, new RequestCounter());
    AgentServer.start(
        pod.podIp(),
        rendered.settings().agentPort(),
        routes,
        rendered
            .settings()
            .agentMaxConnections()
            .map(AgentLimits.DEFAULT::withMaxConnections)
            .orElse(AgentLimits.DEFAULT),
        agentTls);

    PreparedNode node = preparation.prepare(rendered);
    if (node.decision() instanceof FormatDecision.FormatNoInitialControllers
        || (node.settings().roles().contains(ProcessRole.CONTROLLER)
            && recordsOnDisk.get().equals(Optional.of(false)))) {
      // Also a controller whose disk holds no record yet that was not formatted now: a wiped
      // leader's pod stopped during this wait (evicted, deleted by a roll, OOM) comes back to a
      // formatted disk, and its peers may still name it their leader (ADR 019)
      awaitAnotherLeader(controllerAgents, node.nodeId(), ELECTED_WITHIN);
    }
    if (!node.settings().roles().contains(ProcessRole.CONTROLLER)) {
      awaitCommittedQuorum(controllerAgents, node.nodeId(), COMMITTED_WITHIN);
    }
    KafkaRunner kafka = new KafkaRunner(node.serverProperties());
    NodeIdentity identity =
        new NodeIdentity(
            node.nodeId(),
            node.meta().directoryId(),
            node.meta().clusterId(),
            node.settings().roles());
    probe.set(
        new JmxNodeProbe(
            identity,
            kafka::isAlive,
            recordsOnDisk,
            RaftStallWatch.forServerProperties(rendered.server())));

    LOG.info("node {}: starting Kafka with {}", node.nodeId(), node.serverProperties());
    kafka.start();
    kafka.awaitExit();
    LOG.error("node {}: Kafka returned without exiting; stopping", node.nodeId());
    System.exit(1);
  }

  /**
   * A broker-only node starts Kafka once the controller quorum has committed its first records, so
   * that its first fetch cannot read records a second election truncates: Kafka's raft module then
   * loses the voter set it had read, and a broker formatted without controllers cannot find the
   * controller to register with until it restarts (ADR 018). Asked every {@link #AGENTS_EVERY};
   * after {@code within} Kafka starts anyway (a quorum that is down is Kafka's to wait for).
   */
  static void awaitCommittedQuorum(AgentFormationCheck controllers, int nodeId, Duration within)
      throws InterruptedException {
    long start = System.nanoTime();
    if (awaitPeers(controllers::committed, within)) {
      LOG.info(
          "node {}: the controller quorum has committed records ({} ms): starting the broker",
          nodeId,
          (System.nanoTime() - start) / 1_000_000);
    } else {
      LOG.warn(
          "node {}: no controller reported a committed leader within {} ms; starting Kafka anyway",
          nodeId,
          within.toMillis());
    }
  }

  /**
   * A controller that formatted an empty disk, or whose metadata log holds no record yet, starts
   * Kafka once no peer names it the leader any more. A leader whose disk was lost and that comes
   * back before its peers' fetch timeout is still their leader; Kafka, with an empty log at epoch
   * 0, then reads a fetch answer naming itself the leader of a later epoch and stops the process on
   * an IllegalStateException (ADR 019). Asked every {@link #AGENTS_EVERY}; after {@code within}
   * Kafka starts anyway.
   */
  static void awaitAnotherLeader(AgentFormationCheck controllers, int nodeId, Duration within)
      throws InterruptedException {
    if (!controllers.namesAsLeader(nodeId)) {
      return;
    }
    LOG.info(
        "node {}: the controller peers still name node {} their leader, an incarnation whose disk"
            + " is gone; Kafka starts once they have elected another",
        nodeId,
        nodeId);
    long start = System.nanoTime();
    if (awaitPeers(() -> !controllers.namesAsLeader(nodeId), within)) {
      LOG.info(
          "node {}: the peers no longer name it their leader ({} ms): starting Kafka",
          nodeId,
          (System.nanoTime() - start) / 1_000_000);
    } else {
      LOG.warn(
          "node {}: the peers still name this node their leader after {} ms; starting Kafka"
              + " anyway",
          nodeId,
          within.toMillis());
    }
  }

  /**
   * Asks the peers' agents every {@link #AGENTS_EVERY} until {@code answered} holds; whether it did
   * within {@code within}.
   */
  private static boolean awaitPeers(BooleanSupplier answered, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!answered.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(AGENTS_EVERY.toMillis()); // a poll of peers' agents; nothing to be woken by
    }
    return true;
  }

  /**
   * This node while the launcher decides on its disk: no directory id yet (the disk may be blank),
   * no raft state, not ready, and whether the metadata log on disk holds records.
   */
  private static NodeStatus preparing(
      NodePreparation.Rendered rendered, Supplier<Optional<Boolean>> recordsOnDisk) {
    Set<ProcessRole> roles = rendered.settings().roles();
    return new NodeStatus(
        new NodeIdentity(rendered.nodeId(), null, rendered.settings().clusterId(), roles),
        true,
        Optional.empty(),
        roles.contains(ProcessRole.BROKER) ? Optional.of(false) : Optional.empty(),
        recordsOnDisk.get());
  }
}
