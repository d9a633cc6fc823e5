package io.quorumkeeper.operator.quorum;

/** The one step the healing planner asks for in a pass. */
public sealed interface Action {

  /** Nothing to do: the quorum is as desired. */
  record None() implements Action {}

  /** Something is wrong but no safe step exists yet; say why and wait. */
  record Wait(String reason) implements Action {}

  /** Start (or continue) a membership operation: send its current phase to Kafka. */
  record Membership(Operation operation) implements Action {}

  /** The operation in flight is committed: clear it from status and say so. */
  record Complete(Operation operation) implements Action {}

  /**
   * The operation in flight can no longer finish (its new voter is gone) and Kafka shows nothing of
   * it pending: clear it from status, warn, and plan afresh in the next pass. No voter change.
   *
   * @param operation the operation given up, or null when status held no readable operation
   */
  record Abandon(Operation operation, String reason) implements Action {}

  /**
   * Force-delete a stranded pod so its StatefulSet reschedules it; only the pod object the decision
   * was made on ({@code uid}), never one re-created under the same name since.
   */
  record DeletePod(String pod, String uid, String reason) implements Action {}

  /** What would be done, were healing not ReportOnly or paused. */
  record Blocked(Action wanted, String reason) implements Action {}
}
