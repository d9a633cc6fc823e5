package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.condition;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.message;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quorumkeeper.crds.CelSchemaValidator;
import io.quorumkeeper.crds.Violation;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.HostileCase;
import io.quorumkeeper.operator.testing.OwnedObjects;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of {@code hostile/specs.yaml} against the CRD's schema and CEL rules (what the API
 * server refuses) and against the operator with the schema bypassed (what a cluster without CEL
 * delivers): a readable refusal, no owned object touched, the running quorum still observed, no
 * exception. One running cluster takes every case in turn, as a user's edits would arrive.
 */
class HostileSpecCorpusApiTest {

  static final Path CORPUS = Path.of("src/test/resources/hostile/specs.yaml");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static ApiHarness api;
  static QuorumScript quorum;
  static CelSchemaValidator schema;
  static JsonNode accepted;
  static Map<String, String> ownedBefore;
  static final List<String> loggedProblems = new CopyOnWriteArrayList<>();
  static final Handler problems =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel().intValue() >= Level.WARNING.intValue() && r.getThrown() != null) {
            loggedProblems.add(r.getLoggerName() + ": " + r.getThrown());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  static long epoch = 1;

  @BeforeAll
  static void startRunningCluster() {
    Logger.getLogger("").addHandler(problems);
    schema = CelSchemaValidator.forCrd(ApiHarness.CRD);
    api = ApiHarness.start();
    quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(Path.of("../examples/combined.yaml"));
    await()
        .ignoreExceptions()
        .until(() -> api.get("orders").getStatus().getQuorum().getFaultTolerance() == 1);
    accepted =
        api.client().getKubernetesSerialization().convertValue(api.get("orders"), JsonNode.class);
    ownedBefore = OwnedObjects.resourceVersions(api.client());
  }

  @AfterAll
  static void stop() {
    Logger.getLogger("").removeHandler(problems);
    api.close();
  }

  @Test
  void theCorpusHasSixtyDistinctCasesAcrossEveryClass() throws IOException {
    List<HostileCase> cases = HostileCase.load(CORPUS);

    assertThat(cases).hasSizeGreaterThanOrEqualTo(60);
    assertThat(cases).extracting(HostileCase::id).doesNotHaveDuplicates();
    assertThat(cases)
        .extracting(HostileCase::kind)
        .contains(
            "names",
            "pools",
            "topology",
            "healing",
            "version",
            "config",
            "storage",
            "resources",
            "template",
            "listeners",
            "ca",
            "types");
  }

  @TestFactory
  Stream<DynamicTest> everyCaseIsRefusedReadablyAndTheRunningClusterGoesOn() throws IOException {
    String only = System.getProperty("corpus.only", "");
    return HostileCase.load(CORPUS).stream()
        .filter(c -> only.isEmpty() || c.id().matches(only))
        .map(c -> DynamicTest.dynamicTest(c.id() + " (" + c.kind() + ")", () -> check(c)));
  }

  private static void check(HostileCase c) {
    JsonNode hostile = c.applyTo(accepted.deepCopy());
    List<Violation> violations =
        c.create() != null ? schema.validate(hostile, null) : schema.validate(hostile, accepted);
    if (c.apiRefuses()) {
      assertThat(violations).as("the API server's answer to %s", c.id()).isNotEmpty();
    } else {
      assertThat(violations).as("the API server's answer to %s", c.id()).isEmpty();
    }
    if (c.schemaOnly()) {
      assertThat(readable(hostile)).as("a typed client reads %s", c.id()).isFalse();
      return;
    }
    int failuresBefore = api.reconciles().failures().size();
    int problemsBefore = loggedProblems.size();
    if (c.create() != null) {
      checkNewCluster(c, hostile);
    } else {
      checkRunningCluster(c, hostile);
    }
    assertThat(
            api.reconciles().failures().subList(failuresBefore, api.reconciles().failures().size()))
        .as("passes that ended in an exception")
        .isEmpty();
    assertThat(loggedProblems.subList(problemsBefore, loggedProblems.size()))
        .as("warnings logged with a stack trace")
        .isEmpty();
  }

  /** The running cluster gets the change; it is refused and everything it runs goes on. */
  private static void checkRunningCluster(HostileCase c, JsonNode hostile) {
    long generation = replaceRunning(hostile);
    quorum.leader((int) (epoch % 3), ++epoch);

    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(cr.getStatus().getObservedGeneration()).isEqualTo(generation);
              assertThat(condition(cr, Conditions.SPEC_INVALID)).isEqualTo("True");
              assertThat(message(cr, Conditions.SPEC_INVALID)).contains(c.operator());
              assertThat(condition(cr, Conditions.READY)).isEqualTo("False");
              assertThat(cr.getStatus().getQuorum().getLeaderEpoch()).isEqualTo(epoch);
            });
    assertThat(OwnedObjects.resourceVersions(api.client())).isEqualTo(ownedBefore);
  }

  /**
   * Replaces the running cluster's spec, as {@code kubectl replace} does: read, write, and read
   * again when the operator's status write came in between (409).
   */
  private static long replaceRunning(JsonNode hostile) {
    for (int attempt = 1; ; attempt++) {
      QuorumCluster edit =
          api.client().getKubernetesSerialization().convertValue(hostile, QuorumCluster.class);
      edit.setMetadata(api.get("orders").getMetadata());
      edit.setStatus(null);
      try {
        return api.client().resource(edit).update().getMetadata().getGeneration();
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  /** A new cluster with the hostile spec or name: refused, and nothing is created for it. */
  private static void checkNewCluster(HostileCase c, JsonNode hostile) {
    QuorumCluster fresh =
        api.client().getKubernetesSerialization().convertValue(hostile, QuorumCluster.class);
    fresh.setStatus(null);
    fresh.getMetadata().setUid(null);
    fresh.getMetadata().setResourceVersion(null);
    String name = fresh.getMetadata().getName();
    api.client().resource(fresh).create();
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                QuorumCluster cr = api.get(name);
                assertThat(condition(cr, Conditions.SPEC_INVALID)).isEqualTo("True");
                assertThat(message(cr, Conditions.SPEC_INVALID)).contains(c.operator());
                assertThat(condition(cr, Conditions.READY)).isEqualTo("False");
              });
      assertThat(OwnedObjects.resourceVersions(api.client())).isEqualTo(ownedBefore);
    } finally {
      api.client().resource(api.get(name)).delete();
    }
  }

  private static boolean readable(JsonNode hostile) {
    try {
      api.client().getKubernetesSerialization().convertValue(hostile, QuorumCluster.class);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
