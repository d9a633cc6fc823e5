package io.quorumkeeper.operator.status;

import io.quorumkeeper.operator.api.v1alpha1.status.MemberStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.QuorumStatus;
import io.quorumkeeper.operator.event.EventReason;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.quorum.Health;
import io.quorumkeeper.operator.quorum.Member;
import io.quorumkeeper.operator.quorum.QuorumMath;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.quorum.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns a classified quorum into what users see: {@code status.quorum}, the QuorumHealthy condition
 * and the events a change deserves. Pure: the previous status in, the next out.
 *
 * <p>Status churn is bounded: when nothing a user sees changed (leader, epoch, voters, tolerance,
 * each member's role and health), the previous numbers (lag, high watermark) are kept until they
 * are {@code refreshEvery} old, so an idle cluster causes no API writes between refreshes.
 */
public final class QuorumReport {

  /** An event to record about the cluster. */
  public record Notice(EventReason reason, boolean warning, String message) {}

  /** The QuorumHealthy condition's value. */
  public record Verdict(boolean healthy, String reason, String message) {}

  private final QuorumStatus status;
  private final Verdict verdict;
  private final List<Notice> notices;

  private QuorumReport(QuorumStatus status, Verdict verdict, List<Notice> notices) {
    this.status = status;
    this.verdict = verdict;
    this.notices = List.copyOf(notices);
  }

  public QuorumStatus status() {
    return status;
  }

  public Verdict verdict() {
    return verdict;
  }

  public List<Notice> notices() {
    return notices;
  }

  /**
   * How long a leader may be missing before the quorum is reported lost: a failover's election
   * (Kafka's fetch timeout, then a vote) takes a few seconds, and is not a quorum loss.
   */
  public static final Duration ELECTION_GRACE = Duration.ofSeconds(10);

  public static QuorumReport of(
      QuorumStatus previous,
      Optional<QuorumView> view,
      String failure,
      int desiredVoters,
      Instant now,
      Duration refreshEvery) {
    return of(previous, view, failure, desiredVoters, now, refreshEvery, null);
  }

  public static QuorumReport of(
      QuorumStatus previous,
      Optional<QuorumView> view,
      String failure,
      int desiredVoters,
      Instant now,
      Duration refreshEvery,
      Instant leaderSeenAt) {
    return of(previous, view, failure, desiredVoters, now, refreshEvery, leaderSeenAt, Map.of());
  }

  /**
   * @param leaderSeenAt when this operator last observed a leader, or null if it does not know
   * @param agents what each controller's agent said of its own node in the same observation
   */
  public static QuorumReport of(
      QuorumStatus previous,
      Optional<QuorumView> view,
      String failure,
      int desiredVoters,
      Instant now,
      Duration refreshEvery,
      Instant leaderSeenAt,
      Map<Integer, AgentReport> agents) {
    List<Notice> notices = new ArrayList<>();
    boolean hadLeader = previous != null && previous.getLeaderId() != null;
    Optional<AgentReport> selfDeclared =
        view.isPresent() ? Optional.empty() : selfDeclaredLeader(previous, agents);
    if (selfDeclared.isPresent()) {
      return bySelfDeclaredLeader(previous, selfDeclared.get(), failure);
    }
    if (view.isEmpty()
        && hadLeader
        && leaderSeenAt != null
        && leaderSeenAt.plus(ELECTION_GRACE).isAfter(now)) {
      // Probably an election: the last status stands, QuorumHealthy says what is going on.
      return new QuorumReport(
          previous,
          new Verdict(
              false,
              "Electing",
              "no leader since "
                  + leaderSeenAt
                  + ", an election is probably under way (last leader "
                  + previous.getLeaderId()
                  + " at epoch "
                  + previous.getLeaderEpoch()
                  + ")"),
          notices);
    }
    if (view.isEmpty()) {
      QuorumStatus kept = previous == null ? new QuorumStatus() : previous;
      if (hadLeader) {
        notices.add(
            new Notice(
                EventReason.QuorumLost,
                true,
                "no controller reports a leader (last leader "
                    + previous.getLeaderId()
                    + " at epoch "
                    + previous.getLeaderEpoch()
                    + ")"));
      }
      QuorumStatus lost = copy(kept);
      lost.setLeaderId(null);
      lost.setFaultTolerance(0);
      Instant last = observedAt(kept, now);
      String age =
          kept.getObservedAt() == null
              ? "never observed"
              : last == null
                  ? "last observed at an unreadable time"
                  : "last observed " + Duration.between(last, now).toSeconds() + "s ago";
      return new QuorumReport(
          lost,
          new Verdict(false, "NoLeader", "no controller reports a leader: " + failure + "; " + age),
          notices);
    }
    QuorumView v = view.get();
    QuorumStatus next = render(v, desiredVoters, now);
    if (previous != null && sameForUsers(previous, next) && !stale(previous, now, refreshEvery)) {
      next = previous;
    }
    Integer lastLeader = lastKnownLeader(previous);
    if (lastLeader != null && !lastLeader.equals(next.getLeaderId())) {
      notices.add(
          new Notice(
              EventReason.LeaderChanged,
              false,
              "leader "
                  + lastLeader
                  + " → "
                  + next.getLeaderId()
                  + " at epoch "
                  + v.leaderEpoch()));
    }
    if (previous != null && !hadLeader && previous.getObservedAt() != null) {
      notices.add(
          new Notice(
              EventReason.QuorumRestored,
              false,
              "leader " + next.getLeaderId() + " elected at epoch " + v.leaderEpoch()));
    }
    for (Member member : v.voterMembers()) {
      if (member.health() == Health.Lagging || member.health() == Health.Unreachable) {
        if (!wasUnhealthy(previous, member)) {
          notices.add(
              new Notice(
                  EventReason.VoterLagging,
                  true,
                  "voter " + member.nodeId() + " (" + member.pod() + ") is " + member.health()));
        }
      }
    }
    return new QuorumReport(next, verdict(v, desiredVoters), notices);
  }

  /**
   * The controller whose agent reports it leader, when Kafka's Admin API did not answer: at an
   * epoch newer than status shows, or the leader status shows at its epoch. Raft elects at most one
   * leader per epoch, so a node's own word that it leads is the election's result. Only a quorum
   * Kafka described before is reported so (its members come from that description).
   */
  private static Optional<AgentReport> selfDeclaredLeader(
      QuorumStatus previous, Map<Integer, AgentReport> agents) {
    if (previous == null || previous.getLeaderEpoch() == null) {
      return Optional.empty();
    }
    long shown = previous.getLeaderEpoch();
    return agents.values().stream()
        .filter(a -> "leader".equalsIgnoreCase(a.raftState()) && a.leaderEpoch() != null)
        .filter(
            a ->
                a.leaderEpoch() > shown
                    || (a.leaderEpoch() == shown
                        && Integer.valueOf(a.nodeId()).equals(previous.getLeaderId())))
        .max(Comparator.comparing(AgentReport::leaderEpoch));
  }

  /**
   * Status from the new leader's own word (issue 15): the leader and epoch change at once, the
   * members keep what Kafka last described but for the roles of the old and new leader, and
   * QuorumHealthy says what is unconfirmed. The next description by Kafka replaces all of it.
   */
  private static QuorumReport bySelfDeclaredLeader(
      QuorumStatus previous, AgentReport leader, String failure) {
    List<Notice> notices = new ArrayList<>();
    Integer lastLeader = lastKnownLeader(previous);
    QuorumStatus next = copy(previous);
    next.setLeaderId(leader.nodeId());
    next.setLeaderEpoch(leader.leaderEpoch().longValue());
    List<MemberStatus> members = new ArrayList<>();
    for (MemberStatus m : previous.getMembers()) {
      MemberStatus row = copy(m);
      if (m.getNodeId() == leader.nodeId() && Role.Follower.name().equals(m.getRole())) {
        row.setRole(Role.Leader.name());
      } else if (m.getNodeId() != leader.nodeId() && Role.Leader.name().equals(m.getRole())) {
        row.setRole(Role.Follower.name());
      }
      members.add(row);
    }
    next.setMembers(members);
    if (lastLeader != null && lastLeader != leader.nodeId()) {
      notices.add(
          new Notice(
              EventReason.LeaderChanged,
              false,
              "leader "
                  + lastLeader
                  + " → "
                  + leader.nodeId()
                  + " at epoch "
                  + leader.leaderEpoch()
                  + " (by its own agent; Kafka's Admin API has not answered yet)"));
    }
    if (previous.getLeaderId() == null && previous.getObservedAt() != null) {
      // back from a lost quorum: said here, since Kafka's next description finds a leader shown
      notices.add(
          new Notice(
              EventReason.QuorumRestored,
              false,
              "leader " + leader.nodeId() + " elected at epoch " + leader.leaderEpoch()));
    }
    return new QuorumReport(
        next,
        new Verdict(
            false,
            "LeaderUnconfirmed",
            "node "
                + leader.nodeId()
                + " reports itself leader at epoch "
                + leader.leaderEpoch()
                + "; Kafka's Admin API has not described the quorum: "
                + failure),
        notices);
  }

  private static MemberStatus copy(MemberStatus m) {
    MemberStatus c = new MemberStatus();
    c.setNodeId(m.getNodeId());
    c.setPod(m.getPod());
    c.setDirectoryId(m.getDirectoryId());
    c.setRole(m.getRole());
    c.setLag(m.getLag());
    c.setSinceCaughtUpMillis(m.getSinceCaughtUpMillis());
    c.setHealth(m.getHealth());
    return c;
  }

  /**
   * The leader before this observation. While no controller answers (the election after a leader
   * dies takes seconds, longer than an observation interval), {@code leaderId} is cleared but the
   * members of the last good observation are kept, the old leader among them: a change is judged
   * against that, so a failover seen through a failed observation is still one LeaderChanged.
   */
  private static Integer lastKnownLeader(QuorumStatus previous) {
    if (previous == null) {
      return null;
    }
    if (previous.getLeaderId() != null) {
      return previous.getLeaderId();
    }
    return previous.getMembers().stream()
        .filter(m -> Role.Leader.name().equals(m.getRole()))
        .map(MemberStatus::getNodeId)
        .findFirst()
        .orElse(null);
  }

  private static Verdict verdict(QuorumView v, int desiredVoters) {
    int promised = QuorumMath.promisedTolerance(desiredVoters);
    List<Member> unhealthy =
        v.voterMembers().stream().filter(m -> m.health() != Health.CaughtUp).toList();
    if (v.voters() != desiredVoters) {
      return new Verdict(
          false, "VoterCountMismatch", v.voters() + " voters, " + desiredVoters + " desired");
    }
    if (v.faultTolerance() < promised) {
      return new Verdict(
          false,
          "ToleranceReduced",
          "tolerates "
              + v.faultTolerance()
              + " of "
              + promised
              + " voter failures: "
              + unhealthy.stream()
                  .map(m -> "voter " + m.nodeId() + " " + m.health())
                  .collect(Collectors.joining(", ")));
    }
    return new Verdict(
        true,
        "QuorumHealthy",
        v.voters()
            + " voters, leader "
            + v.leaderId().getAsInt()
            + ", tolerates "
            + v.faultTolerance());
  }

  private static boolean wasUnhealthy(QuorumStatus previous, Member member) {
    return previous != null
        && previous.getMembers().stream()
            .anyMatch(
                m ->
                    m.getNodeId() == member.nodeId()
                        && Objects.equals(m.getDirectoryId(), member.directoryId())
                        && !Health.CaughtUp.name().equals(m.getHealth()));
  }

  static QuorumStatus render(QuorumView v, int desiredVoters, Instant now) {
    QuorumStatus status = new QuorumStatus();
    status.setLeaderId(v.leaderId().getAsInt());
    status.setLeaderEpoch(v.leaderEpoch());
    status.setHighWatermark(v.highWatermark());
    status.setVoters(v.voters());
    status.setVoterSummary(v.voters() + "/" + desiredVoters);
    status.setFaultTolerance(v.faultTolerance());
    status.setObservedAt(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    List<MemberStatus> members = new ArrayList<>();
    for (Member m : v.members()) {
      MemberStatus row = new MemberStatus();
      row.setNodeId(m.nodeId());
      row.setPod(m.pod());
      row.setDirectoryId(m.directoryId());
      row.setRole(m.role().name());
      row.setLag(m.lag());
      row.setSinceCaughtUpMillis(m.sinceCaughtUpMs() < 0 ? null : m.sinceCaughtUpMs());
      row.setHealth(m.health().name());
      members.add(row);
    }
    status.setMembers(members);
    return status;
  }

  /** Equal in everything but the numbers that move all the time. */
  static boolean sameForUsers(QuorumStatus a, QuorumStatus b) {
    return Objects.equals(a.getLeaderId(), b.getLeaderId())
        && Objects.equals(a.getLeaderEpoch(), b.getLeaderEpoch())
        && Objects.equals(a.getVoters(), b.getVoters())
        && Objects.equals(a.getVoterSummary(), b.getVoterSummary())
        && Objects.equals(a.getFaultTolerance(), b.getFaultTolerance())
        && identities(a).equals(identities(b));
  }

  private static List<String> identities(QuorumStatus s) {
    return s.getMembers().stream()
        .map(
            m ->
                m.getNodeId()
                    + "/"
                    + m.getDirectoryId()
                    + "/"
                    + m.getPod()
                    + "/"
                    + m.getRole()
                    + "/"
                    + m.getHealth())
        .toList();
  }

  private static boolean stale(QuorumStatus previous, Instant now, Duration refreshEvery) {
    Instant at = observedAt(previous, now);
    return at == null || !at.plus(refreshEvery).isAfter(now);
  }

  /**
   * When {@code quorum} was observed, or null when status does not say or says it unreadably
   * ({@link StatusTimes#readable}): such a value would otherwise stop every pass (a parse error) or
   * keep the numbers in status from being refreshed until then.
   */
  public static Instant observedAt(QuorumStatus quorum, Instant now) {
    return StatusTimes.readable(quorum == null ? null : quorum.getObservedAt(), now);
  }

  private static QuorumStatus copy(QuorumStatus s) {
    QuorumStatus c = new QuorumStatus();
    c.setLeaderId(s.getLeaderId());
    c.setLeaderEpoch(s.getLeaderEpoch());
    c.setHighWatermark(s.getHighWatermark());
    c.setVoters(s.getVoters());
    c.setVoterSummary(s.getVoterSummary());
    c.setFaultTolerance(s.getFaultTolerance());
    c.setObservedAt(s.getObservedAt());
    c.setMembers(new ArrayList<>(s.getMembers()));
    return c;
  }
}
