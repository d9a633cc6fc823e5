package io.quorumkeeper.operator.reconcile;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.quorum.AgentReport;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Controllers that still run a certificate close to its end (ADR 042). The operator renews a
 * certificate {@code renew-before} ahead, but a pod loads the renewed one only when it restarts,
 * and restarts wait while the cluster is paused, its healing mode is ReportOnly, its roll is
 * blocked or its spec is refused. Each agent's TLS handshake shows the certificate its pod loaded
 * at start, whatever the Secret holds: once one expires within half the renewal window, which a
 * roll that goes ahead never lets happen, this says which pods and when. Expired, they can no
 * longer reach each other, and the quorum is lost.
 */
final class CertificateExpiry {

  private CertificateExpiry() {}

  /**
   * The warning for the controllers whose certificate (by node id) expires within {@code
   * warnWithin} of {@code now}, if any.
   */
  static Optional<String> warning(
      QuorumCluster cr, Map<Integer, Instant> certificates, Instant now, Duration warnWithin) {
    Pool controllers = ClusterModel.pools(cr).get(0);
    Instant limit = now.plus(warnWithin);
    TreeMap<Integer, Instant> soon = new TreeMap<>();
    certificates.forEach(
        (nodeId, notAfter) -> {
          if (notAfter.isBefore(limit)) {
            soon.put(nodeId, notAfter);
          }
        });
    if (soon.isEmpty()) {
      return Optional.empty();
    }
    Instant first = soon.values().stream().min(Instant::compareTo).orElseThrow();
    List<String> pods =
        soon.keySet().stream()
            .map(id -> controllers.podName(id - controllers.kind().nodeIdOffset()))
            .toList();
    boolean one = pods.size() == 1;
    String verb = first.isAfter(now) ? (one ? "expires" : "expire") : "expired";
    return Optional.of(
        (one ? pods.get(0) + " runs a certificate that " : names(pods) + " run certificates that ")
            + verb
            + " at "
            + first.truncatedTo(ChronoUnit.SECONDS)
            + ": a pod loads its renewed certificate only when it restarts, and the restart"
            + " waits (paused, healing ReportOnly, a blocked roll or a refused spec; see Progressing)."
            + " Once expired, the controllers cannot reach each other and the quorum is lost");
  }

  /**
   * When each controller's certificate expires, by node id: as its agent showed it this round, else
   * as it last did. An agent whose certificate has expired fails the operator's TLS handshake and
   * answers no more, and one may miss a round: neither may clear the warning. A node the controller
   * pool no longer has is forgotten.
   */
  static Map<Integer, Instant> seen(
      QuorumCluster cr, Map<Integer, Instant> before, Map<Integer, AgentReport> agents) {
    Pool controllers = ClusterModel.pools(cr).get(0);
    Map<Integer, Instant> seen = new TreeMap<>();
    before.forEach(
        (nodeId, notAfter) -> {
          int ordinal = nodeId - controllers.kind().nodeIdOffset();
          if (ordinal >= 0 && ordinal < controllers.replicas()) {
            seen.put(nodeId, notAfter);
          }
        });
    agents.forEach(
        (nodeId, report) -> {
          if (report.certificateNotAfter() != null) {
            seen.put(nodeId, report.certificateNotAfter());
          }
        });
    return java.util.Collections.unmodifiableMap(seen);
  }

  private static String names(List<String> pods) {
    return String.join(", ", pods.subList(0, pods.size() - 1))
        + " and "
        + pods.get(pods.size() - 1);
  }
}
