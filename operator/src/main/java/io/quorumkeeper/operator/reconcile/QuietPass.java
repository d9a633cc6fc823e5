package io.quorumkeeper.operator.reconcile;

import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.observe.RaftObservation;
import io.quorumkeeper.operator.quorum.Action;
import io.quorumkeeper.operator.quorum.Health;
import io.quorumkeeper.operator.quorum.Member;
import io.quorumkeeper.operator.quorum.QuorumAssessor;
import io.quorumkeeper.operator.quorum.QuorumSnapshot;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.quorum.RollAction;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * What a pass saw of a steady cluster (issue 15): a quorum with a leader and every member caught
 * up, every controller pod running on a Ready node, a valid spec, nothing refused, nothing to heal
 * or roll and no operation in flight. A later observation that shows the same leader, epoch,
 * voters, members and their health, the same agents' answers and the same finalized
 * metadata.version changes nothing such a pass writes, announces or decides, so it needs no pass of
 * its own: only its numbers (lag, offsets) moved, and those reach status at the refresh, metrics at
 * once.
 *
 * <p>The health of the new observation is judged by the same {@link QuorumAssessor} the pass used,
 * on the pods the pass saw (pods start passes of their own when they change): a follower falling
 * behind or going silent is a change, found by the same rules that would find it in a pass.
 */
final class QuietPass implements QuorumObservation.Quiet {

  private final QuorumSnapshot seen;
  private final OptionalInt metadataVersion;
  private final QuorumAssessor assessor;
  private final List<String> shape;
  private final Consumer<QuorumView> skipped;
  private final Instant passDue;

  private QuietPass(
      Instant passDue,
      QuorumSnapshot seen,
      OptionalInt metadataVersion,
      QuorumAssessor assessor,
      QuorumView view,
      Consumer<QuorumView> skipped) {
    this.seen = seen;
    this.metadataVersion = metadataVersion;
    this.assessor = assessor;
    this.shape = shape(view);
    this.skipped = skipped;
    this.passDue = passDue;
  }

  /**
   * The pass's view when it found the cluster steady; empty when anything is under way or wrong, so
   * that every observation starts a pass as before.
   *
   * @param passDue when a pass is due whatever the observations show, by the operator's clock (the
   *     refresh of the numbers in status; it also bounds how late time-driven work of a pass, such
   *     as a certificate renewal or a retried revocation, may start)
   * @param skipped what a pass records outside the resource for a view (its metrics), done for each
   *     observation that needs no pass
   */
  static Optional<QuietPass> of(
      Instant passDue,
      QuorumClusterReconciler.Pass pass,
      boolean podsWaitForCertificates,
      Optional<RaftObservation> observation,
      Optional<QuorumSnapshot> snapshot,
      Optional<QuorumView> view,
      QuorumAssessor assessor,
      Consumer<QuorumView> skipped) {
    boolean steady =
        pass.acceptance().valid()
            && !pass.paused()
            && pass.refused().isEmpty()
            && pass.clientsWait().isEmpty()
            && !podsWaitForCertificates
            && (pass.cr().getStatus() == null || pass.cr().getStatus().getOperation() == null)
            && pass.step() != null
            && pass.step().operation() == null
            && pass.step().action() instanceof Action.None
            && pass.roll() != null
            && pass.roll().action() instanceof RollAction.None
            && pass.roll().roll() == null
            && observation.isPresent()
            && snapshot.isPresent()
            && snapshot.get().failure() == null
            && snapshot.get().controllerPods().values().stream()
                .allMatch(p -> p.running() && p.nodeReady())
            && view.filter(QuorumView::hasLeader).isPresent()
            && view.get().members().stream().allMatch(m -> m.health() == Health.CaughtUp);
    if (!steady) {
      return Optional.empty();
    }
    return Optional.of(
        new QuietPass(
            passDue,
            snapshot.get(),
            observation.get().metadataVersion(),
            assessor,
            view.get(),
            skipped));
  }

  @Override
  public boolean stillQuiet(RaftObservation next) {
    if (!next.observedAt().isBefore(passDue)
        || next.failure() != null
        || next.raft().isEmpty()
        || !next.agents().equals(seen.agents())
        || !next.epochSeenSince().equals(seen.epochSeenSince())
        || !next.metadataVersion().equals(metadataVersion)) {
      return false;
    }
    Optional<QuorumView> view =
        assessor.assess(
            new QuorumSnapshot(
                next.cluster(),
                next.observedAt(),
                next.raft(),
                seen.controllerPodNames(),
                seen.controllerPods(),
                next.failure(),
                next.agents(),
                next.epochSeenSince()));
    if (view.isEmpty() || !shape(view.get()).equals(shape)) {
      return false;
    }
    skipped.accept(view.get());
    return true;
  }

  /** The view without the numbers that move all the time: who leads, who votes, how healthy. */
  private static List<String> shape(QuorumView view) {
    return java.util.stream.Stream.concat(
            java.util.stream.Stream.of(
                view.leaderId()
                    + " epoch "
                    + view.leaderEpoch()
                    + ", "
                    + view.voters()
                    + " voters, tolerates "
                    + view.faultTolerance()),
            view.members().stream().map(QuietPass::shape))
        .toList();
  }

  private static String shape(Member m) {
    return m.nodeId() + "/" + m.directoryId() + "/" + m.pod() + "/" + m.role() + "/" + m.health();
  }
}
