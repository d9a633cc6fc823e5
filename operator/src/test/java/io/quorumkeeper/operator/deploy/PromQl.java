package io.quorumkeeper.operator.deploy;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.quorumkeeper.operator.observe.QuorumMetrics;
import io.quorumkeeper.operator.quorum.Health;
import io.quorumkeeper.operator.quorum.Member;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.quorum.Role;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the monitoring kit's tests need of PromQL: the metric names an expression reads. */
final class PromQl {

  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring");

  private PromQl() {}

  /**
   * The metric names in {@code expr}: identifiers left once strings, label matchers, ranges,
   * groupings, Grafana variables, function calls and keywords are taken away.
   */
  static Set<String> metricNames(String expr) {
    String bare =
        expr.replaceAll("\"[^\"]*\"", "")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
            .replaceAll("\\$\\{?\\w+}?", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      String name = m.group();
      boolean call = bare.substring(m.end()).matches("(?s)\\s*\\(.*");
      if (!call && !KEYWORDS.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  /**
   * Every sample name the operator's {@link QuorumMetrics} exposes on {@code /q/metrics}, read from
   * a Prometheus registry's scrape after each of its meters was used once.
   */
  static Set<String> exportedNames() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    QuorumMetrics metrics = new QuorumMetrics(registry);
    String cluster = "kafka/orders";
    Member leader = new Member(0, "orders-node-0", "dir0", Role.Leader, 0, 0, Health.CaughtUp);
    metrics.update(
        cluster, Optional.of(new QuorumView(OptionalInt.of(0), 1, 1000, 1, 0, List.of(leader))));
    metrics.observed(cluster, Duration.ofMillis(5), true);
    metrics.leaderChanged(cluster);
    metrics.conditions(cluster, List.of());
    metrics.certificates(cluster, java.util.Map.of(0, java.time.Instant.EPOCH));
    Set<String> names = new TreeSet<>();
    for (String line : registry.scrape().split("\n")) {
      Matcher m = IDENTIFIER.matcher(line);
      if (!line.startsWith("#") && m.lookingAt() && m.group().startsWith("quorumkeeper_")) {
        names.add(m.group());
      }
    }
    return names;
  }
}
