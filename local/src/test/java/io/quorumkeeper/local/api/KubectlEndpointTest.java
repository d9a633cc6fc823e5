package io.quorumkeeper.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What kubectl reads from the embedded API's kubectl endpoint, request by request: discovery with
 * the CRD's short name, tables from its printer columns, field selectors on events, and a watch
 * that does not repeat what the client listed.
 */
class KubectlEndpointTest {

  private static final Path CRD = Path.of("../crds/quorumclusters.quorumkeeper.io-v1.yml");
  private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";
  private static final String QC =
      "/apis/quorumkeeper.io/v1alpha1/namespaces/default/quorumclusters";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private ApiServer api;

  @BeforeEach
  void start() {
    api = ApiServer.start(0, CRD);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenCrd_whenDiscovered_thenQuorumClustersHaveTheShortNameVerbsAndStatus_podsTheirEviction()
      throws Exception {
    JsonNode groups = get("/apis", "application/json");
    JsonNode list = get("/apis/quorumkeeper.io/v1alpha1", "application/json");
    JsonNode core = get("/api/v1", "application/json");

    assertThat(groups.findValuesAsText("name")).contains("quorumkeeper.io", "apps");
    JsonNode qc = list.path("resources").get(0);
    assertThat(qc.path("name").asText()).isEqualTo("quorumclusters");
    assertThat(qc.path("kind").asText()).isEqualTo("QuorumCluster");
    assertThat(qc.path("namespaced").asBoolean()).isTrue();
    assertThat(qc.path("shortNames").toString()).isEqualTo("[\"qc\"]");
    assertThat(qc.path("verbs").toString()).contains("\"watch\"", "\"patch\"");
    assertThat(list.findValuesAsText("name")).contains("quorumclusters/status");
    assertThat(core.findValuesAsText("name")).contains("pods", "events");
    // kubectl drain evicts (and so honours PodDisruptionBudgets) only where this entry says so
    JsonNode eviction = null;
    for (JsonNode resource : core.path("resources")) {
      if ("pods/eviction".equals(resource.path("name").asText())) {
        eviction = resource;
      }
    }
    assertThat(eviction).isNotNull();
    assertThat(eviction.path("kind").asText()).isEqualTo("Eviction");
    assertThat(eviction.path("group").asText()).isEqualTo("policy");
    assertThat(eviction.path("version").asText()).isEqualTo("v1");
    assertThat(eviction.path("verbs").toString()).isEqualTo("[\"create\"]");
    assertThat(
            get("/openapi/v3", "application/json")
                .path("paths")
                .has("apis/quorumkeeper.io/v1alpha1"))
        .isTrue();
  }

  @Test
  void givenClusterWithStatus_whenListedAsTable_thenThePrinterColumnsWithTheirCells()
      throws Exception {
    created(Map.of("leaderId", 2, "leaderEpoch", 7, "voterSummary", "3/3", "faultTolerance", 1));

    JsonNode table = get(QC, TABLE);

    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(table.findValuesAsText("name"))
        .startsWith("Name", "Topology", "Voters", "Leader", "Epoch", "Tolerates", "Ready", "Age");
    JsonNode cells = table.at("/rows/0/cells");
    assertThat(cells.toString()).startsWith("[\"orders\",\"Combined\",\"3/3\",2,7,1,\"True\",");
    assertThat(cells.get(7).asText()).matches("\\d+s");
    assertThat(table.at("/rows/0/object/kind").asText()).isEqualTo("PartialObjectMetadata");
  }

  @Test
  void givenEventsOfTwoObjects_whenListedWithAFieldSelector_thenOnlyTheOnesItSelectsInAnEventList()
      throws Exception {
    for (String name : List.of("orders", "payments")) {
      api.client()
          .v1()
          .events()
          .inNamespace("default")
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(name + ".1")
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withKind("QuorumCluster")
                  .withName(name)
                  .endInvolvedObject()
                  .withReason("LeaderChanged")
                  .build())
          .create();
    }

    JsonNode events =
        get(
            "/api/v1/namespaces/default/events?fieldSelector="
                + "involvedObject.kind%3DQuorumCluster%2CinvolvedObject.name%3Dorders",
            "application/json");

    assertThat(events.path("kind").asText()).isEqualTo("EventList");
    assertThat(events.findValuesAsText("name")).contains("orders").doesNotContain("payments");
  }

  @Test
  void givenListedCluster_whenWatchedFromTheListsVersionAndChanged_thenOnlyTheChangeArrives()
      throws Exception {
    created(Map.of("leaderId", 0));
    String listed = get(QC, "application/json").at("/metadata/resourceVersion").asText();
    HttpRequest watch =
        HttpRequest.newBuilder(
                URI.create(
                    api.kubectlUrl()
                        + QC
                        + "?watch=true&timeoutSeconds=3&resourceVersion="
                        + listed
                        + "&fieldSelector=metadata.name%3Dorders"))
            .build();
    var pending = http.sendAsync(watch, HttpResponse.BodyHandlers.ofLines());
    var response = pending.get();
    GenericKubernetesResource qc = QuorumClusters.of(api.client()).withName("orders").get();
    qc.getAdditionalProperties().put("status", Map.of("quorum", Map.of("leaderId", 1)));
    QuorumClusters.of(api.client()).resource(qc).updateStatus();

    List<JsonNode> events = new ArrayList<>();
    response.body().forEach(line -> events.add(read(line)));

    assertThat(events).isNotEmpty();
    assertThat(events)
        .allSatisfy(
            e ->
                assertThat(e.at("/object/metadata/resourceVersion").asLong())
                    .isGreaterThan(Long.parseLong(listed)));
    assertThat(events.get(events.size() - 1).at("/object/status/quorum/leaderId").asInt())
        .isEqualTo(1);
  }

  @Test
  void givenWatch_whenTheMockEndsItsWatches_thenTheRelayWatchesAgainWithoutRepeatingAnything()
      throws Exception {
    created(Map.of("leaderId", 0));
    String listed = get(QC, "application/json").at("/metadata/resourceVersion").asText();
    HttpRequest watch =
        HttpRequest.newBuilder(
                URI.create(
                    api.kubectlUrl()
                        + QC
                        + "?watch=true&timeoutSeconds=4&resourceVersion="
                        + listed))
            .build();
    var lines = http.send(watch, HttpResponse.BodyHandlers.ofLines()).body().iterator();
    leader(1);
    JsonNode first = read(lines.next()); // the relay's mock watch is open: it saw the change

    api.endWatches();
    leader(2);
    List<JsonNode> rest = new ArrayList<>();
    lines.forEachRemaining(line -> rest.add(read(line)));

    assertThat(first.at("/object/status/quorum/leaderId").asInt()).isEqualTo(1);
    assertThat(rest)
        .extracting(e -> e.at("/object/status/quorum/leaderId").asInt())
        .containsExactly(2);
  }

  private void leader(int id) {
    GenericKubernetesResource qc = QuorumClusters.of(api.client()).withName("orders").get();
    qc.getAdditionalProperties().put("status", Map.of("quorum", Map.of("leaderId", id)));
    QuorumClusters.of(api.client()).resource(qc).updateStatus();
  }

  @Test
  void givenOldKubectl_whenItAsksForOpenApiV2_thenTheCrdSchemaAsGnosticProtobuf() throws Exception {
    HttpResponse<byte[]> response =
        http.send(
            HttpRequest.newBuilder(URI.create(api.kubectlUrl() + "/openapi/v2")).build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    byte[] body = response.body();
    // Document: field 1 (swagger, length-delimited) "2.0" comes first
    assertThat(body).startsWith(0x0a, 0x03, '2', '.', '0');
    String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(text)
        .contains("io.quorumkeeper.v1alpha1.QuorumCluster", "x-kubernetes-group-version-kind")
        .contains("kind: QuorumCluster", "The pool of pods with the controller role");
  }

  private void created(Map<String, Object> quorum) {
    ResourceFiles files = ResourceFiles.forCrd(CRD);
    GenericKubernetesResource qc =
        QuorumClusters.apply(api.client(), files.read(Path.of("../examples/combined.yaml"))).get(0);
    qc.getAdditionalProperties()
        .put(
            "status",
            Map.of(
                "quorum",
                quorum,
                "conditions",
                List.of(
                    Map.of("type", "QuorumHealthy", "status", "False"),
                    Map.of("type", "Ready", "status", "True"))));
    QuorumClusters.of(api.client()).resource(qc).updateStatus();
  }

  private JsonNode get(String path, String accept) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(api.kubectlUrl() + path))
                .header("Accept", accept)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static JsonNode read(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError(line, e);
    }
  }
}
