package io.quorumkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.quorum.Health;
import io.quorumkeeper.operator.quorum.Member;
import io.quorumkeeper.operator.quorum.PartitionIsr;
import io.quorumkeeper.operator.quorum.QuorumAssessor;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.quorum.Role;
import io.quorumkeeper.operator.quorum.RollAction;
import io.quorumkeeper.operator.quorum.RollFacts;
import io.quorumkeeper.operator.quorum.RollPlanner;
import io.quorumkeeper.operator.quorum.RollPod;
import io.quorumkeeper.operator.testing.KraftNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roll planner fed real observations of three Combined nodes (examples/combined.yaml) and the
 * ISRs of a topic with replication factor 3 and min.insync.replicas=2, read through the brokers. A
 * "restart" is kill and start of the node's process, as a pod deletion and re-creation.
 */
class RollKraftTest {

  static final String CLUSTER = "kafka/rk";
  static final QuorumAssessor ASSESSOR =
      new QuorumAssessor(Duration.ofSeconds(2), Duration.ofSeconds(4));

  @TempDir static Path root;
  static KraftNodes nodes;
  static Pool pool;
  static AdminQuorumClient client;
  static final boolean[] outdated = {true, true, true};
  static final int[] incarnation = new int[3];

  @BeforeAll
  static void startThreeNodesAndATopic() throws Exception {
    nodes = KraftNodes.fromExample(root, "combined.yaml", "rk");
    pool = nodes.pool();
    for (int ordinal = 0; ordinal < 3; ordinal++) {
      nodes.start(ordinal);
    }
    client = new AdminQuorumClient(Duration.ofSeconds(3));
    await()
        .atMost(Duration.ofSeconds(120))
        .ignoreExceptions()
        .until(() -> view().orElseThrow().faultTolerance() == 1);
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers());
    try (Admin admin = Admin.create(config)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(
              () -> {
                admin
                    .createTopics(
                        List.of(
                            new NewTopic("events", 3, (short) 3)
                                .configs(Map.of("min.insync.replicas", "2"))))
                    .all()
                    .get();
                return true;
              });
    }
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> allInSync());
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  void givenAFrozenFollower_thenNothingRestarts_andOnceThawedTheRollEndsWithTheLeader()
      throws Exception {
    int leader = view().orElseThrow().leaderId().getAsInt();
    int frozen = (leader + 1) % 3;
    nodes.freeze(frozen);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> member(view().orElseThrow(), frozen).health() != Health.CaughtUp);

    for (int pass = 0; pass < 5; pass++) {
      RollAction action = plan();
      assertThat(action).isInstanceOf(RollAction.Wait.class);
      // Why it waits depends on what the frozen node stalls first: its fetches (not caught up) or
      // the brokers' answer about ISRs (unknown); either way nothing restarts.
      assertThat(((RollAction.Wait) action).reason())
          .containsAnyOf(
              "controller " + frozen + " is not caught up", "the partitions' ISRs are unknown");
    }

    nodes.thaw(frozen);
    List<String> order = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(240))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              RollAction action = plan();
              if (action instanceof RollAction.Restart r) {
                int ordinal = Integer.parseInt(r.pod().substring(r.pod().lastIndexOf('-') + 1));
                int leading = view().orElseThrow().leaderId().getAsInt();
                order.add(ordinal == leading ? "leader" : "other");
                nodes.kill(ordinal);
                outdated[ordinal] = false;
                incarnation[ordinal]++;
                nodes.start(ordinal);
              }
              return action instanceof RollAction.None;
            });

    assertThat(order).containsExactly("other", "other", "leader");
  }

  static RollAction plan() throws Exception {
    Optional<QuorumView> view = view();
    Optional<List<PartitionIsr>> partitions;
    try {
      partitions = Optional.of(client.partitions(CLUSTER, brokers()));
    } catch (QuorumUnavailableException e) {
      partitions = Optional.empty();
    }
    List<RollPod> pods = new ArrayList<>();
    for (int ordinal = 0; ordinal < 3; ordinal++) {
      pods.add(
          new RollPod(
              pool.podName(ordinal),
              "u" + ordinal + "-" + incarnation[ordinal],
              pool.nodeId(ordinal),
              true,
              true,
              outdated[ordinal],
              nodes.running(ordinal)));
    }
    return RollPlanner.plan(new RollFacts(pods, view, partitions, Optional.empty(), false), null);
  }

  static boolean allInSync() throws Exception {
    List<PartitionIsr> partitions = client.partitions(CLUSTER, brokers());
    return partitions.stream().anyMatch(p -> p.partition().startsWith("events-"))
        && partitions.stream().allMatch(p -> p.isr().size() == 3 && p.minIsr() >= 1);
  }

  static String brokers() {
    return IntStream.range(0, 3)
        .mapToObj(i -> pool.podHost(i) + ":" + Pool.KAFKA_PORT)
        .collect(Collectors.joining(","));
  }

  static Optional<QuorumView> view() throws QuorumUnavailableException {
    return ASSESSOR.assess(
        nodes.snapshot(CLUSTER, client.describe(CLUSTER, pool.controllerEndpoints())));
  }

  static Member member(QuorumView v, int nodeId) {
    return v.members().stream()
        .filter(m -> m.nodeId() == nodeId && m.role() != Role.Observer)
        .findFirst()
        .orElseThrow();
  }
}
