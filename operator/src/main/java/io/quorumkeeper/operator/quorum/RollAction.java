package io.quorumkeeper.operator.quorum;

/** The one step the roll planner asks for in a pass. */
public sealed interface RollAction {

  /** Every pod runs the desired template: nothing to roll. */
  record None() implements RollAction {}

  /**
   * A pod is outdated but no safe restart exists yet; say why and wait.
   *
   * @param holding the restart in flight that is still awaited (kept in status), or null
   */
  record Wait(String reason, RollStep holding) implements RollAction {}

  /**
   * Delete this pod object ({@code uid}) so its StatefulSet re-creates it from the new template.
   */
  record Restart(String pod, String uid, String reason) implements RollAction {}

  /** What would be done, were the roll not paused or ReportOnly. */
  record Blocked(RollAction wanted, String reason) implements RollAction {}
}
