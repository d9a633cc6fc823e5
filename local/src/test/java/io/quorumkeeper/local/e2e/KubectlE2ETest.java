package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quorumkeeper.local.control.Faults;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The local runtime driven only through the real kubectl binary with the kubeconfig the runtime
 * writes, as the README's quick start tells a user to: apply, wait for Ready, the CRD's printer
 * columns in {@code get} and {@code get -o wide}, {@code explain}, pods and StatefulSets, a watch
 * that sees a failover, the events in {@code describe}, and delete. The fault itself is the
 * runtime's {@code kill} command. Skipped when no kubectl is on PATH ({@code .ci/run} installs it).
 */
@TestMethodOrder(OrderAnnotation.class)
class KubectlE2ETest {

  @RegisterExtension
  static final LocalRuntimeExtension local = new LocalRuntimeExtension("kubectl", "127.0.41");

  private static final Path CRD =
      LocalRuntimeExtension.HOME.resolve("crds/quorumclusters.quorumkeeper.io-v1.yml");
  private static Kubectl kubectl;

  @BeforeAll
  static void kubectlOnPath() {
    assumeTrue(
        Kubectl.binary().isPresent(),
        "no kubectl binary on PATH (nor -Dkubectl.binary): install kubernetes-client to run this");
    kubectl = new Kubectl(Kubectl.binary().get(), local.runtime().layout().kubeconfig());
    System.out.println(kubectl.run("version", "--client").out());
  }

  @Test
  @Order(1)
  void givenKubeconfigOfTheRuntime_whenExampleAppliedAndWaitedFor_thenReady() {
    Kubectl.Result applied =
        kubectl.run(
            "apply", "-f", LocalRuntimeExtension.HOME.resolve("examples/combined.yaml").toString());
    assertThat(applied.exitCode()).as("%s", applied).isZero();
    assertThat(applied.out()).contains("quorumcluster.quorumkeeper.io/orders created");

    Kubectl.Result ready =
        kubectl.run(240, "wait", "--for=condition=Ready", "qc/orders", "--timeout=240s");

    assertThat(ready.exitCode()).as("%s", ready).isZero();
    assertThat(ready.out()).contains("quorumcluster.quorumkeeper.io/orders condition met");
  }

  @Test
  @Order(2)
  void givenReadyCluster_whenGetQc_thenThePrinterColumnsOfTheCrdWithTheirValues() {
    List<JsonNode> columns = printerColumns();
    String leader = jsonPath("{.status.quorum.leaderId}");

    List<String[]> table = rows(kubectl.run("get", "qc"));
    List<String[]> wide = rows(kubectl.run("get", "qc", "-o", "wide"));

    assertThat(table.get(0)).containsExactly(header(columns, false));
    assertThat(wide.get(0)).containsExactly(header(columns, true));
    assertThat(table).hasSize(2);
    assertThat(cells(table, "NAME", "TOPOLOGY", "VOTERS", "LEADER", "TOLERATES", "READY"))
        .containsExactly("orders", "Combined", "3/3", leader, "1", "True");
    assertThat(Integer.parseInt(cells(table, "EPOCH").get(0))).isPositive();
    assertThat(cells(table, "AGE").get(0)).matches("\\d+[smh].*");
  }

  @Test
  @Order(3)
  void givenCrd_whenExplainControllers_thenTheFieldDocsOfTheSchema() {
    Kubectl.Result explained = kubectl.run("explain", "quorumcluster.spec.controllers");

    assertThat(explained.exitCode()).as("%s", explained).isZero();
    JsonNode controllers = schema().at("/properties/spec/properties/controllers");
    String description = controllers.path("description").asText();
    assertThat(explained.out())
        .contains("QuorumCluster", "controllers <Object>")
        .contains(String.join(" ", List.of(description.split("\\s+")).subList(0, 4)));
    controllers
        .path("properties")
        .fieldNames()
        .forEachRemaining(f -> assertThat(explained.out()).contains(f + "\t<"));
  }

  @Test
  @Order(4)
  void givenReadyCluster_whenGetPodsAndStatefulSets_thenRunningAndReady() {
    List<String[]> pods = rows(kubectl.run("get", "pods", "-o", "wide"));
    List<String[]> sets = rows(kubectl.run("get", "sts"));

    assertThat(pods.get(0)).startsWith("NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE");
    assertThat(cells(pods, "NAME"))
        .containsExactlyInAnyOrder("orders-node-0", "orders-node-1", "orders-node-2");
    assertThat(cells(pods, "READY")).containsOnly("1/1");
    assertThat(cells(pods, "STATUS")).containsOnly("Running");
    assertThat(cells(pods, "IP")).allMatch(ip -> ip.startsWith("127.0.41."));
    assertThat(cells(sets, "NAME", "READY")).containsExactly("orders-node", "3/3");
  }

  @Test
  @Order(5)
  void givenWatch_whenLeaderKilled_thenWatchShowsTheNewLeaderAndEventsTellIt() throws Exception {
    String leader = jsonPath("{.status.quorum.leaderId}");
    Process watch = kubectl.start("get", "qc", "-w");
    List<String> watched = lines(watch);
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> watched.size() >= 2);

      Faults.run(local.runtime(), "kill", "default", "orders-node-" + leader);

      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> assertThat(body(watched)).anyMatch(r -> !leaderOf(watched, r).equals(leader)));
    } finally {
      watch.destroy();
    }
    assertThat(body(watched)).allMatch(r -> r[0].equals("orders"));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Kubectl.Result events =
                  kubectl.run("get", "events", "--field-selector", "involvedObject.name=orders");
              assertThat(events.out()).contains("LeaderChanged", "quorumcluster/orders");
              assertThat(kubectl.run("describe", "qc/orders").out())
                  .contains("Events:", "LeaderChanged", "quorum-keeper");
              List<String[]> pod = rows(kubectl.run("get", "pod", "orders-node-" + leader));
              assertThat(cells(pod, "RESTARTS").get(0)).startsWith("1 (");
            });
  }

  @Test
  @Order(6)
  void givenCluster_whenDeletedWithKubectl_thenItAndWhatItOwnsAreGone() {
    Kubectl.Result deleted = kubectl.run(120, "delete", "qc/orders", "--timeout=120s");

    assertThat(deleted.exitCode()).as("%s", deleted).isZero();
    assertThat(deleted.out()).contains("quorumcluster.quorumkeeper.io \"orders\" deleted");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> assertThat(kubectl.run("get", "qc,sts,pods", "-o", "name").out()).isBlank());
    assertThat(kubectl.run("get", "qc").err()).contains("No resources found in default namespace");
  }

  // ---- reading kubectl's output ----

  private static String jsonPath(String template) {
    Kubectl.Result r = kubectl.run("get", "qc", "orders", "-o", "jsonpath=" + template);
    assertThat(r.exitCode()).as("%s", r).isZero();
    return r.out().strip();
  }

  private static List<JsonNode> printerColumns() {
    JsonNode version = crd().at("/spec/versions/0");
    return StreamSupport.stream(version.path("additionalPrinterColumns").spliterator(), false)
        .toList();
  }

  private static JsonNode schema() {
    return crd().at("/spec/versions/0/schema/openAPIV3Schema");
  }

  private static JsonNode crd() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(CRD.toFile());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String[] header(List<JsonNode> columns, boolean wide) {
    List<String> names = new ArrayList<>(List.of("NAME"));
    columns.stream()
        .filter(c -> wide || c.path("priority").asInt(0) == 0)
        .map(c -> c.path("name").asText().toUpperCase(Locale.ROOT))
        .forEach(names::add);
    return names.toArray(String[]::new);
  }

  /** The table's lines split into cells (no cell here holds a space); the header first. */
  private static List<String[]> rows(Kubectl.Result result) {
    assertThat(result.exitCode()).as("%s", result).isZero();
    return rows(result.out().lines().toList());
  }

  private static List<String[]> rows(List<String> lines) {
    return lines.stream().filter(l -> !l.isBlank()).map(l -> l.strip().split("\\s{2,}")).toList();
  }

  /** The named columns' cells of every row after the header, row by row, flattened. */
  private static List<String> cells(List<String[]> table, String... columns) {
    List<String> header = Arrays.asList(table.get(0));
    List<String> out = new ArrayList<>();
    for (String[] row : table.subList(1, table.size())) {
      for (String column : columns) {
        int i = header.indexOf(column);
        assertThat(i).as("column %s in %s", column, header).isNotNegative();
        out.add(i < row.length ? row[i] : "");
      }
    }
    return out;
  }

  private static List<String[]> body(List<String> lines) {
    List<String[]> table = rows(lines);
    return table.subList(1, table.size());
  }

  private static String leaderOf(List<String> watched, String[] row) {
    List<String> header = Arrays.asList(rows(watched).get(0));
    int i = header.indexOf("LEADER");
    return i >= 0 && i < row.length ? row[i] : "";
  }

  /** The lines a running kubectl prints, as they come. */
  private static List<String> lines(Process process) {
    List<String> lines = new CopyOnWriteArrayList<>();
    CompletableFuture.runAsync(
        () -> {
          try (BufferedReader reader =
              new BufferedReader(
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            reader.lines().forEach(lines::add);
          } catch (IOException | RuntimeException e) {
            // the watch was ended
          }
        });
    return lines;
  }
}
