package io.quorumkeeper.node.agent;

import io.quorumkeeper.node.config.ProcessRole;
import java.util.Map;

/**
 * Renders the node's raft metrics and the agent's own counter in the Prometheus text exposition
 * format (version 0.0.4). Raft series are absent until Kafka has registered its raft metrics.
 */
public final class PrometheusText {

  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final StringBuilder out = new StringBuilder(2048);

  private PrometheusText() {}

  public static String render(NodeStatus status, Map<RequestCounter.Key, Long> requests) {
    PrometheusText text = new PrometheusText();
    text.info(status.identity());
    status.raft().ifPresent(text::raft);
    text.requests(requests);
    return text.out.toString();
  }

  private void info(NodeIdentity identity) {
    header("quorum_node_info", "gauge", "Identity of this node; always 1.");
    out.append("quorum_node_info{node_id=\"")
        .append(identity.nodeId())
        .append("\",directory_id=\"")
        .append(escape(String.valueOf(identity.directoryId())))
        .append("\",cluster_id=\"")
        .append(escape(identity.clusterId()))
        .append("\",roles=\"")
        .append(ProcessRole.format(identity.roles()))
        .append("\"} 1\n");
  }

  private void raft(RaftMetrics m) {
    header(
        "kafka_raft_current_state", "gauge", "Raft state of this node (current-state); always 1.");
    out.append("kafka_raft_current_state{state=\"").append(escape(m.state())).append("\"} 1\n");
    gauge(
        "kafka_raft_current_leader",
        "Leader id this node knows (current-leader), -1 if none.",
        m.leaderId());
    gauge("kafka_raft_current_epoch", "Current leader epoch (current-epoch).", m.epoch());
    gauge(
        "kafka_raft_high_watermark",
        "High watermark of the metadata log (high-watermark).",
        m.highWatermark());
    gauge(
        "kafka_raft_log_end_offset",
        "Log end offset of the metadata log (log-end-offset).",
        m.logEndOffset());
    RaftMetrics.Latencies l = m.latencies();
    gauge(
        "kafka_raft_commit_latency_avg_ms",
        "Average commit latency (commit-latency-avg).",
        l.commitAvgMs());
    gauge(
        "kafka_raft_commit_latency_max_ms",
        "Maximum commit latency (commit-latency-max).",
        l.commitMaxMs());
    gauge(
        "kafka_raft_election_latency_avg_ms",
        "Average election latency (election-latency-avg).",
        l.electionAvgMs());
    gauge(
        "kafka_raft_election_latency_max_ms",
        "Maximum election latency (election-latency-max).",
        l.electionMaxMs());
  }

  private void requests(Map<RequestCounter.Key, Long> requests) {
    header("quorum_agent_requests_total", "counter", "HTTP requests served by the agent.");
    requests.forEach(
        (key, count) ->
            out.append("quorum_agent_requests_total{path=\"")
                .append(escape(key.path()))
                .append("\",code=\"")
                .append(key.code())
                .append("\"} ")
                .append(count)
                .append('\n'));
  }

  private void gauge(String name, String help, double value) {
    header(name, "gauge", help);
    out.append(name).append(' ').append(number(value)).append('\n');
  }

  private void header(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static String number(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "+Inf" : "-Inf";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  private static String escape(String label) {
    return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
