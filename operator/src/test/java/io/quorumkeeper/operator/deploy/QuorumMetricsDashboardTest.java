package io.quorumkeeper.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard of {@code deploy/monitoring} is valid JSON whose every query reads only
 * metrics the operator's {@code QuorumMetrics} exports or the alert rules read, and that shows the
 * quorum: leader, epoch, fault tolerance, per-voter lag and operations.
 */
class QuorumMetricsDashboardTest {

  static final Path DASHBOARD = Path.of("../deploy/monitoring/grafana-dashboard.json");

  @Test
  void givenDashboard_thenEveryQueryReadsOnlyKnownMetrics() throws IOException {
    Set<String> known = new HashSet<>(PromQl.exportedNames());
    ruleExpressions().forEach(expr -> known.addAll(PromQl.metricNames(expr)));
    List<String> queries = queries(new ObjectMapper().readTree(DASHBOARD.toFile()));

    assertThat(queries).hasSizeGreaterThan(10);
    for (String query : queries) {
      assertThat(PromQl.metricNames(query)).as(query).isNotEmpty().isSubsetOf(known);
    }
  }

  @Test
  void givenDashboard_thenItShowsLeaderEpochToleranceLagAndOperations() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Set<String> read = new HashSet<>();
    queries(dashboard).forEach(q -> read.addAll(PromQl.metricNames(q)));

    assertThat(dashboard.path("uid").asText()).isEqualTo("quorum-keeper");
    assertThat(read)
        .contains(
            "quorumkeeper_quorum_leader",
            "quorumkeeper_quorum_epoch",
            "quorumkeeper_quorum_fault_tolerance",
            "quorumkeeper_quorum_member_lag",
            "quorumkeeper_cluster_condition",
            "quorumkeeper_leader_changes_total");
    Set<Integer> ids = new HashSet<>();
    dashboard.path("panels").forEach(p -> assertThat(ids.add(p.path("id").asInt())).isTrue());
  }

  @Test
  void givenPromQlReader_thenItFindsMetricsAndNotFunctionsLabelsOrVariables() {
    assertThat(
            PromQl.metricNames(
                "histogram_quantile(0.95, sum by (le, cluster) (rate(a_bucket{cluster=~\"$c\"}[5m])))"
                    + " unless on (cluster) b_total > 3"))
        .containsExactlyInAnyOrder("a_bucket", "b_total");
  }

  /** Every panel's and every template variable's query. */
  private static List<String> queries(JsonNode dashboard) {
    List<String> queries = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> queries.add(t.path("expr").asText())));
    dashboard
        .path("templating")
        .path("list")
        .forEach(
            v -> {
              String query = v.path("query").path("query").asText();
              if (query.startsWith("label_values(")) {
                queries.add(query.replaceAll("^label_values\\((.*), *\\w+\\)$", "$1"));
              }
            });
    return queries;
  }

  private static List<String> ruleExpressions() throws IOException {
    List<String> exprs = new ArrayList<>();
    AlertRulesTest.YAML
        .readTree(AlertRulesTest.RULES.toFile())
        .path("groups")
        .forEach(g -> g.path("rules").forEach(r -> exprs.add(r.path("expr").asText())));
    return exprs;
  }
}
