package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quorumkeeper.local.MainCommands;
import io.quorumkeeper.local.api.ApiServer;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.control.ControlServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, bad input never costs a quorum: a user edits examples/combined.yaml of a running
 * cluster to {@code topology: Separated} and applies it. The embedded API refuses it (the CRD's
 * transition rule, exit code 2); an API server without CEL lets it through and the operator refuses
 * it itself, creates nothing, keeps observing the running quorum, and takes the spec again once it
 * is set back. Topics are created throughout; every acknowledged one must still exist at the end.
 * One runtime for the class, the cases in order.
 */
@TestMethodOrder(OrderAnnotation.class)
class TopologyChangeE2ETest {

  @RegisterExtension
  static final LocalRuntimeExtension local =
      new LocalRuntimeExtension("topology-change", "127.0.36");

  static final String CLUSTER = "orders";
  static final Duration HEAL_TIMEOUT = Duration.ofMinutes(3);
  static final String TOPOLOGY_IMMUTABLE =
      "topology is immutable: create a new QuorumCluster to change it";
  static final Set<String> PODS = Set.of("orders-node-0", "orders-node-1", "orders-node-2");

  /** Every StatefulSet and pod name the API ever held while the class ran. */
  static final Set<String> statefulSetsSeen = new ConcurrentSkipListSet<>();

  static final Set<String> podsSeen = new ConcurrentSkipListSet<>();
  static List<SharedIndexInformer<?>> informers = List.of();
  static ControlServer control;
  static TopicCreations topics;
  static String clusterId;
  static Set<String> incarnations;

  @AfterAll
  static void stop() {
    if (topics != null) {
      topics.close();
    }
    informers.forEach(SharedIndexInformer::close);
    if (control != null) {
      control.close();
    }
  }

  @Test
  @Order(1)
  void givenCombinedExample_whenApplied_thenReadyWithALeaderAndTopicsBeingCreated() {
    informers =
        List.of(
            local
                .client()
                .apps()
                .statefulSets()
                .inNamespace("default")
                .inform(recordNames(statefulSetsSeen)),
            local.client().pods().inNamespace("default").inform(recordNames(podsSeen)));
    control = ControlServer.start(local.runtime());

    assertThat(apply(CombinedE2ETest.example("combined.yaml")).code()).isZero();

    local.awaitReady(CLUSTER, 3);
    QuorumState q = local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT);
    clusterId =
        (String) QuorumClusters.at(local.cluster(CLUSTER), "status.clusterId").orElseThrow();
    incarnations = q.voterIncarnations();
    topics = TopicCreations.start(local.clients(CLUSTER), "topology");
  }

  @Test
  @Order(2)
  void givenRunningCombined_whenAppliedAsSeparated_thenRefusedWith422AndExitCode2() {
    GenericKubernetesResource before = local.cluster(CLUSTER);

    MainCommands.Outcome applied = apply(separatedFile());

    assertThat(applied.code()).isEqualTo(2);
    assertThat(applied.err().lines()).hasSize(1);
    assertThat(applied.err())
        .startsWith("error: QuorumCluster.quorumkeeper.io \"orders\" is invalid: ")
        .endsWith("spec.topology: Invalid value: \"string\": " + TOPOLOGY_IMMUTABLE);
    // read and write again when the operator's status write came in between (409, not 422)
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              GenericKubernetesResource separated = local.cluster(CLUSTER);
              separated.getAdditionalProperties().put("spec", separatedSpec());
              assertThatThrownBy(
                      () ->
                          QuorumClusters.of(local.client())
                              .inNamespace("default")
                              .resource(separated)
                              .update())
                  .isInstanceOfSatisfying(
                      KubernetesClientException.class,
                      e -> {
                        assertThat(e.getCode()).isEqualTo(422);
                        assertThat(e.getStatus().getMessage()).endsWith(TOPOLOGY_IMMUTABLE);
                      });
            });
    GenericKubernetesResource after = local.cluster(CLUSTER);
    assertThat(after.getMetadata().getGeneration()).isEqualTo(1L);
    // generation and spec, not resourceVersion: the operator's status writes go on meanwhile
    assertThat(after.getAdditionalProperties().get("spec"))
        .isEqualTo(before.getAdditionalProperties().get("spec"));
    assertThat(QuorumClusters.at(after, "spec.topology")).contains("Combined");
  }

  @Test
  @Order(3)
  void givenAnApiWithoutCel_whenAppliedAsSeparated_thenOperatorRefusesCreatesNothingObservesOn() {
    List<Long> pids = sortedPids();

    withoutCelRules(() -> assertThat(apply(separatedFile()).code()).isZero());

    assertThat(local.cluster(CLUSTER).getMetadata().getGeneration()).isEqualTo(2L);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertRefused(2);
              List<Event> refusals = local.events(CLUSTER, "SpecInvalid");
              assertThat(refusals).hasSize(1);
              assertThat(refusals.get(0).getType()).isEqualTo("Warning");
              assertThat(refusals.get(0).getMessage()).contains(TOPOLOGY_IMMUTABLE);
            });
    // longer than the operator's resync and the API's watch lifetime (20 s): still nothing created
    await()
        .during(Duration.ofSeconds(30))
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertRefused(2);
              assertOnlyTheCombinedObjects();
              assertThat(sortedPids()).isEqualTo(pids);
            });
    assertThat(local.events(CLUSTER, "SpecInvalid")).hasSize(1);
  }

  @Test
  @Order(4)
  void givenRefusedSpec_whenTheLeaderIsKilled_thenTheNewLeaderIsObservedInStatus() {
    QuorumState before = local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT);
    long epoch = leaderEpoch();

    local.runtime().kubelet().kill("default", before.leader().pod());

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(leaderEpoch()).isGreaterThan(epoch);
              assertThat(local.quorum(CLUSTER).leaderId()).isNotNull();
              assertRefused(2);
            });
    QuorumState after = local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT);
    assertThat(after.voterIncarnations()).isEqualTo(incarnations);
    assertRefused(2);
    assertOnlyTheCombinedObjects();
  }

  @Test
  @Order(5)
  void givenRefusedSpec_whenSetBackToCombined_thenAcceptedReadyAndEveryAcknowledgedTopicKept() {
    withoutCelRules(
        () -> assertThat(apply(CombinedE2ETest.example("combined.yaml")).code()).isZero());

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              GenericKubernetesResource qc = local.cluster(CLUSTER);
              assertThat(observedGeneration(qc)).isEqualTo(3L);
              assertThat(local.condition(CLUSTER, "SpecInvalid"))
                  .hasValueSatisfying(c -> assertThat(c.get("status")).isEqualTo("False"));
            });
    local.awaitReady(CLUSTER, 3);
    QuorumState q = local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT);
    assertThat(q.voterIncarnations()).isEqualTo(incarnations);
    assertThat(QuorumClusters.at(local.cluster(CLUSTER), "status.clusterId")).contains(clusterId);
    assertOnlyTheCombinedObjects();
    int acknowledged = topics.acknowledged().size();
    topics.awaitAcknowledgedMoreThan(acknowledged + 2, Duration.ofSeconds(60));
    topics.stopAndAssertEveryAcknowledgedTopicExists();
  }

  /** The operator's refusal of generation {@code generation}, as status shows it. */
  private static void assertRefused(long generation) {
    GenericKubernetesResource qc = local.cluster(CLUSTER);
    assertThat(observedGeneration(qc)).isEqualTo(generation);
    assertThat(local.condition(CLUSTER, "SpecInvalid"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.get("status")).isEqualTo("True");
              assertThat(c.get("message")).isEqualTo(TOPOLOGY_IMMUTABLE + " (it runs Combined)");
            });
    assertThat(local.condition(CLUSTER, "Ready"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.get("status")).isEqualTo("False");
              assertThat(c.get("reason")).isEqualTo("SpecInvalid");
              assertThat(c.get("message"))
                  .isEqualTo(
                      "generation " + generation + " is refused; the last accepted spec runs");
            });
    assertThat(QuorumClusters.at(qc, "status.quorum.leaderId")).isPresent();
  }

  /** No StatefulSet or pod other than the Combined cluster's, now or at any time before. */
  private static void assertOnlyTheCombinedObjects() {
    assertThat(local.client().apps().statefulSets().inNamespace("default").list().getItems())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("orders-node");
    assertThat(statefulSetsSeen).containsExactly("orders-node");
    assertThat(podsSeen).isEqualTo(new TreeSet<>(PODS));
  }

  private static long observedGeneration(GenericKubernetesResource qc) {
    return QuorumClusters.at(qc, "status.observedGeneration")
        .map(g -> ((Number) g).longValue())
        .orElse(-1L);
  }

  private static long leaderEpoch() {
    return QuorumClusters.at(local.cluster(CLUSTER), "status.quorum.leaderEpoch")
        .map(e -> ((Number) e).longValue())
        .orElse(-1L);
  }

  private static List<Long> sortedPids() {
    return local.runtime().kubelet().pids().stream().sorted().toList();
  }

  /** {@code ./quorum-keeper apply FILE} against this runtime's folder. */
  private static MainCommands.Outcome apply(Path file) {
    return MainCommands.run(
        "apply", file.toString(), "--dir", local.runtime().options().folder().toString());
  }

  /** A write through an API server without CEL: only the operator's own checks remain. */
  private static void withoutCelRules(Runnable write) {
    System.setProperty(ApiServer.CEL_RULES, "false");
    try {
      write.run();
    } finally {
      System.clearProperty(ApiServer.CEL_RULES);
    }
  }

  /** examples/combined.yaml as a user edits it: Separated, with a broker pool. */
  private static Path separatedFile() {
    try {
      String combined = Files.readString(CombinedE2ETest.example("combined.yaml"));
      String separated =
          combined.replace(
              "  topology: Combined\n", "  topology: Separated\n  brokers:\n    replicas: 3\n");
      assertThat(separated).isNotEqualTo(combined);
      Path file = local.runtime().options().folder().resolve("orders-separated.yaml");
      Files.writeString(file, separated);
      return file;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, Object> separatedSpec() {
    return local.runtime().files().read(separatedFile()).get(0).get("spec");
  }

  private static <T extends HasMetadata> ResourceEventHandler<T> recordNames(Set<String> seen) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        seen.add(obj.getMetadata().getName());
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        seen.add(newObj.getMetadata().getName());
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}
    };
  }
}
