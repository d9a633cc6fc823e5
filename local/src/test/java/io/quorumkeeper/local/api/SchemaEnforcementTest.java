package io.quorumkeeper.local.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quorumkeeper.local.InputException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded API refuses a QuorumCluster a real API server refuses (422 Invalid, the CRD rule's
 * message) and stores what it accepts with the CRD's defaults filled in.
 */
class SchemaEnforcementTest {

  static final String VOTERS_ODD = "controllers.voters must be odd (1, 3, 5, 7 or 9)";
  static final String TOPOLOGY_IMMUTABLE =
      "topology is immutable: create a new QuorumCluster to change it";

  static ApiServer api;

  @BeforeAll
  static void start() {
    api = ApiServer.start(0, Path.of("../crds/quorumclusters.quorumkeeper.io-v1.yml"));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void givenAnEvenVoterCount_whenCreated_then422WithTheRulesMessageAndNothingStored() {
    KubernetesClientException e =
        rejected(() -> create(quorumCluster("even", "{replicas: 3, voters: 2}")));

    assertThat(e.getStatus())
        .extracting(Status::getKind, Status::getStatus, Status::getReason, Status::getCode)
        .containsExactly("Status", "Failure", "Invalid", 422);
    assertThat(e.getStatus().getMessage())
        .startsWith(
            "QuorumCluster.quorumkeeper.io \"even\" is invalid: spec.controllers: Invalid value:"
                + " \"object\": "
                + VOTERS_ODD);
    assertThat(e.getStatus().getDetails().getCauses())
        .extracting(c -> c.getField(), c -> c.getReason())
        .containsExactly(tuple("spec.controllers", "FieldValueInvalid"));
    assertThat(stored("even")).isNull();
  }

  @Test
  void givenAnObjectLargerThanTheMockCanWatch_whenCreated_then422NamingTheLimitAndNothingStored() {
    GenericKubernetesResource big = quorumCluster("big", "{replicas: 3}");
    spec(big)
        .put("kafka", Map.of("config", Map.of("ssl.truststore.certificates", "x".repeat(70_000))));

    KubernetesClientException e = rejected(() -> create(big));

    assertThat(e.getCode()).isEqualTo(422);
    assertThat(e.getStatus().getMessage())
        .contains("the local runtime's API stores objects up to 60000 bytes");
    assertThat(stored("big")).isNull();
  }

  @Test
  void givenAValidCluster_whenCreated_thenStoredAndAnsweredWithTheDefaults() {
    GenericKubernetesResource answered = create(quorumCluster("valid", "{replicas: 3}"));
    GenericKubernetesResource stored = stored("valid");

    for (GenericKubernetesResource r : List.of(answered, stored)) {
      assertThat(QuorumClusters.at(r, "spec.topology")).contains("Combined");
      assertThat(QuorumClusters.at(r, "spec.healing.unreachableAfter")).contains("30s");
      assertThat(QuorumClusters.at(r, "spec.controllers.storage.size")).contains("10Gi");
    }
    assertThat(stored.getMetadata().getGeneration()).isEqualTo(1L);
  }

  @Test
  void givenACombinedCluster_whenUpdatedToSeparated_then422TopologyIsImmutableAndUnchanged() {
    GenericKubernetesResource created = create(quorumCluster("immutable", "{replicas: 3}"));
    GenericKubernetesResource separated =
        quorumCluster("immutable", "{replicas: 3}", "Separated", Map.of("replicas", 3));
    separated.getMetadata().setResourceVersion(created.getMetadata().getResourceVersion());

    KubernetesClientException e = rejected(() -> update(separated));

    assertThat(e.getStatus().getMessage())
        .isEqualTo(
            "QuorumCluster.quorumkeeper.io \"immutable\" is invalid: spec.topology: Invalid value:"
                + " \"string\": "
                + TOPOLOGY_IMMUTABLE);
    GenericKubernetesResource stored = stored("immutable");
    assertThat(QuorumClusters.at(stored, "spec.topology")).contains("Combined");
    assertThat(QuorumClusters.at(stored, "spec.brokers")).isEmpty();
    assertThat(stored.getMetadata().getResourceVersion())
        .isEqualTo(created.getMetadata().getResourceVersion());
  }

  @Test
  void givenACluster_whenMergePatchedToFourVoters_then422() {
    create(quorumCluster("merge", "{replicas: 5}"));

    KubernetesClientException e =
        rejected(
            () ->
                clusters()
                    .withName("merge")
                    .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"controllers\":{\"voters\":4}}}"));

    assertThat(e.getStatus().getMessage()).contains("spec.controllers: ").contains(VOTERS_ODD);
    assertThat(QuorumClusters.at(stored("merge"), "spec.controllers.voters")).isEmpty();
  }

  @Test
  void givenACluster_whenJsonPatchedToSeparated_then422() {
    create(quorumCluster("jsonpatch", "{replicas: 3}"));

    KubernetesClientException e =
        rejected(
            () ->
                clusters()
                    .withName("jsonpatch")
                    .patch(
                        PatchContext.of(PatchType.JSON),
                        "[{\"op\":\"replace\",\"path\":\"/spec/topology\",\"value\":\"Separated\"},"
                            + "{\"op\":\"add\",\"path\":\"/spec/brokers\",\"value\":{\"replicas\":3}}]"));

    assertThat(e.getStatus().getMessage())
        .endsWith("spec.topology: Invalid value: \"string\": " + TOPOLOGY_IMMUTABLE);
  }

  @Test
  void givenAWrongTypeAndAnUnknownField_whenCreated_then422NamingBoth() {
    GenericKubernetesResource bad = quorumCluster("typo", "{replicas: three}");
    spec(bad).put("topologyy", "Combined");

    KubernetesClientException e = rejected(() -> create(bad));

    assertThat(e.getStatus().getMessage())
        .startsWith("QuorumCluster.quorumkeeper.io \"typo\" is invalid: [")
        .contains(
            "spec.controllers.replicas: Invalid value: \"string\": spec.controllers.replicas in"
                + " body must be of type integer: \"string\"")
        .contains("spec.topologyy: Forbidden: field not declared in schema");
    assertThat(e.getStatus().getDetails().getCauses())
        .extracting(c -> c.getField())
        .contains("spec.controllers.replicas", "spec.topologyy");
  }

  @Test
  void givenAStoredCluster_whenItsStatusIsWritten_thenStoredWithoutTouchingSpec() {
    GenericKubernetesResource created = create(quorumCluster("status", "{replicas: 3}"));
    created.getAdditionalProperties().put("status", Map.of("observedGeneration", 1));

    GenericKubernetesResource written = clusters().resource(created).updateStatus();

    assertThat(QuorumClusters.at(written, "status.observedGeneration")).contains(1);
    assertThat(QuorumClusters.at(stored("status"), "status.observedGeneration")).contains(1);
    assertThat(stored("status").getMetadata().getGeneration()).isEqualTo(1L);
  }

  @Test
  void givenTheSameFileAppliedTwice_whenOnlyDefaultsDiffer_thenNoNewGeneration() {
    QuorumClusters.apply(api.client(), List.of(quorumCluster("again", "{replicas: 3}")));
    GenericKubernetesResource first = stored("again");

    QuorumClusters.apply(api.client(), List.of(quorumCluster("again", "{replicas: 3}")));

    GenericKubernetesResource second = stored("again");
    assertThat(second.getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(second.getMetadata().getResourceVersion())
        .isEqualTo(first.getMetadata().getResourceVersion());
  }

  @Test
  void givenStatusWrittenAllTheTime_whenAppliedRepeatedly_thenEveryApplyLandsWithoutAConflict()
      throws Exception {
    QuorumClusters.apply(api.client(), List.of(quorumCluster("busy", "{replicas: 3}")));
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger statusWrites = new AtomicInteger();
    AtomicReference<Exception> unexpected = new AtomicReference<>();
    // the operator's part: status replaced every 10 ms (a real operator writes it a few times a
    // second at most), each a new resourceVersion
    Thread operator =
        new Thread(
            () -> {
              while (!stop.get()) {
                LockSupport.parkNanos(10_000_000);
                GenericKubernetesResource current = stored("busy");
                current
                    .getAdditionalProperties()
                    .put("status", Map.of("observedGeneration", statusWrites.get()));
                try {
                  clusters().resource(current).updateStatus();
                  statusWrites.incrementAndGet();
                } catch (KubernetesClientException e) {
                  if (e.getCode() != 409) { // 409: the apply wrote in between
                    unexpected.set(e);
                  }
                }
              }
            });
    operator.start();
    try {
      await().until(() -> statusWrites.get() > 10);
      for (int hours = 1; hours <= 60; hours++) {
        GenericKubernetesResource edited = quorumCluster("busy", "{replicas: 3}");
        spec(edited).put("kafka", Map.of("config", Map.of("log.retention.hours", "" + hours)));

        QuorumClusters.apply(api.client(), List.of(edited));
      }
    } finally {
      stop.set(true);
      operator.join();
    }
    assertThat(unexpected.get()).isNull();

    GenericKubernetesResource stored = stored("busy");
    assertThat(QuorumClusters.at(stored, "spec.kafka.config"))
        .contains(Map.of("log.retention.hours", "60"));
    assertThat(stored.getMetadata().getGeneration()).isEqualTo(61L);
  }

  @Test
  void givenARunningCluster_whenAppliedWithAnotherTopology_thenOneLineInputException() {
    QuorumClusters.apply(api.client(), List.of(quorumCluster("applied", "{replicas: 3}")));
    GenericKubernetesResource separated =
        quorumCluster("applied", "{replicas: 3}", "Separated", Map.of("replicas", 3));

    assertThatThrownBy(() -> QuorumClusters.apply(api.client(), List.of(separated)))
        .isInstanceOf(InputException.class)
        .hasMessage(
            "QuorumCluster.quorumkeeper.io \"applied\" is invalid: spec.topology: Invalid value:"
                + " \"string\": "
                + TOPOLOGY_IMMUTABLE);
  }

  @Test
  void givenAnApiWithoutCel_whenTopologyChanged_thenAdmittedButTheSchemaStillEnforced() {
    QuorumClusters.apply(api.client(), List.of(quorumCluster("nocel", "{replicas: 3}")));
    GenericKubernetesResource separated =
        quorumCluster("nocel", "{replicas: 3}", "Separated", Map.of("replicas", 3));
    GenericKubernetesResource wrongType = quorumCluster("nocel", "{replicas: three}");

    System.setProperty(ApiServer.CEL_RULES, "false");
    try {
      QuorumClusters.apply(api.client(), List.of(separated));
      assertThatThrownBy(() -> QuorumClusters.apply(api.client(), List.of(wrongType)))
          .hasMessageContaining("spec.controllers.replicas in body must be of type integer");
    } finally {
      System.clearProperty(ApiServer.CEL_RULES);
    }

    GenericKubernetesResource stored = stored("nocel");
    assertThat(QuorumClusters.at(stored, "spec.topology")).contains("Separated");
    assertThat(stored.getMetadata().getGeneration()).isEqualTo(2L);
    assertThatThrownBy(
            () ->
                QuorumClusters.apply(
                    api.client(),
                    List.of(quorumCluster("nocel", "{replicas: 3}", "Combined", null))))
        .hasMessageContaining(TOPOLOGY_IMMUTABLE);
  }

  private static KubernetesClientException rejected(ThrowingCallable write) {
    try {
      write.call();
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).isEqualTo(422);
      return e;
    } catch (Throwable t) {
      throw new AssertionError("expected a KubernetesClientException, got " + t, t);
    }
    throw new AssertionError("the API accepted the write; expected 422");
  }

  private static NonNamespaceOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      clusters() {
    return QuorumClusters.of(api.client()).inNamespace("default");
  }

  private static GenericKubernetesResource create(GenericKubernetesResource r) {
    return clusters().resource(r).create();
  }

  private static GenericKubernetesResource update(GenericKubernetesResource r) {
    return clusters().resource(r).update();
  }

  private static GenericKubernetesResource stored(String name) {
    return clusters().withName(name).get();
  }

  private static GenericKubernetesResource quorumCluster(String name, String controllers) {
    return quorumCluster(name, controllers, null, null);
  }

  private static GenericKubernetesResource quorumCluster(
      String name, String controllers, String topology, Map<String, Object> brokers) {
    StringBuilder yaml =
        new StringBuilder(
            """
            apiVersion: quorumkeeper.io/v1alpha1
            kind: QuorumCluster
            metadata:
              name: %s
              namespace: default
            spec:
              controllers: %s
            """
                .formatted(name, controllers));
    if (topology != null) {
      yaml.append("  topology: ").append(topology).append('\n');
    }
    if (brokers != null) {
      yaml.append("  brokers: ").append(Serialization.asJson(brokers)).append('\n');
    }
    return Serialization.unmarshal(yaml.toString(), GenericKubernetesResource.class);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("spec");
  }
}
