package io.quorumkeeper.local.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quorumkeeper.local.api.QuorumClusters;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code status.quorum} and {@code status.operation} of a QuorumCluster as the tests read them:
 * what {@code kubectl get qc -o yaml} shows a user, without the operator's Java classes.
 */
record QuorumState(
    Integer leaderId,
    Integer faultTolerance,
    String voterSummary,
    List<Member> members,
    Optional<Map<?, ?>> operation) {

  /** One row of {@code status.quorum.members}. */
  record Member(int nodeId, String pod, String directoryId, String role, String health) {

    boolean isVoter() {
      return "Leader".equals(role) || "Follower".equals(role);
    }

    /** {@code <nodeId>/<directoryId>}, as the operator names an incarnation. */
    String incarnation() {
      return nodeId + "/" + directoryId;
    }
  }

  static QuorumState of(GenericKubernetesResource qc) {
    List<Member> members =
        QuorumClusters.at(qc, "status.quorum.members")
            .filter(List.class::isInstance)
            .map(list -> ((List<?>) list).stream().map(QuorumState::member).toList())
            .orElse(List.of());
    return new QuorumState(
        QuorumClusters.at(qc, "status.quorum.leaderId").map(QuorumState::integer).orElse(null),
        QuorumClusters.at(qc, "status.quorum.faultTolerance")
            .map(QuorumState::integer)
            .orElse(null),
        QuorumClusters.at(qc, "status.quorum.voterSummary").map(String::valueOf).orElse(null),
        members,
        QuorumClusters.at(qc, "status.operation")
            .filter(Map.class::isInstance)
            .<Map<?, ?>>map(m -> (Map<?, ?>) m)
            .filter(m -> !m.isEmpty()));
  }

  private static Member member(Object row) {
    Map<?, ?> m = (Map<?, ?>) row;
    return new Member(
        integer(m.get("nodeId")),
        (String) m.get("pod"),
        (String) m.get("directoryId"),
        (String) m.get("role"),
        (String) m.get("health"));
  }

  private static Integer integer(Object value) {
    return value == null ? null : ((Number) value).intValue();
  }

  List<Member> voters() {
    return members.stream().filter(Member::isVoter).toList();
  }

  /** The voter set as sorted incarnations {@code id/directory}. */
  Set<String> voterIncarnations() {
    return voters().stream()
        .map(Member::incarnation)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  Set<Integer> voterIds() {
    return voters().stream().map(Member::nodeId).collect(Collectors.toCollection(TreeSet::new));
  }

  Optional<Member> voter(int nodeId) {
    return voters().stream().filter(m -> m.nodeId() == nodeId).findFirst();
  }

  /** The non-voting rows of a node id (Spare, Observer, Retired). */
  List<Member> nonVoters(int nodeId) {
    return members.stream().filter(m -> m.nodeId() == nodeId && !m.isVoter()).toList();
  }

  Member leader() {
    return voters().stream()
        .filter(m -> "Leader".equals(m.role()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Leader row in " + members));
  }

  /** The lowest-id voter that is not the leader. */
  Member aFollower() {
    return voters().stream()
        .filter(m -> "Follower".equals(m.role()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no Follower row in " + members));
  }

  boolean allVotersCaughtUp() {
    return voters().stream().allMatch(m -> "CaughtUp".equals(m.health()));
  }
}
