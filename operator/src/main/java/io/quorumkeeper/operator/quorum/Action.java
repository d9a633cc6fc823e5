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

  /** Delete a stranded pod so its StatefulSet reschedules it. */
  record DeletePod(String pod, String reason) implements Action {}

  /** What would be done, were healing not ReportOnly or paused. */
  record Blocked(Action wanted, String reason) implements Action {}
}
