package io.quorumkeeper.operator.quorum;

import java.time.Duration;

/**
 * The one membership change in flight, as recorded in status before it starts. A replacement
 * removes first (Kafka refuses a second voter with the same node id, and a dead voter cannot be
 * caught up anyway), then adds.
 *
 * @param remove the incarnation to remove, or null for a pure addition
 * @param add the incarnation to add, or null for a pure removal
 * @param sinceSent how long ago the current phase was last sent to Kafka, or null if it never was;
 *     data, not a clock, so the planner stays pure
 */
public record Operation(
    Kind kind, Incarnation remove, Incarnation add, Phase phase, Duration sinceSent) {

  /** What the change is for, as users read it in status and events. */
  public enum Kind {
    AddVoter,
    RemoveVoter,
    ReplaceVoter,
    ActivateSpare
  }

  /** Which half of the change is being driven. */
  public enum Phase {
    Removing,
    Adding
  }

  /** An operation whose current phase has not been sent. */
  public Operation(Kind kind, Incarnation remove, Incarnation add, Phase phase) {
    this(kind, remove, add, phase, null);
  }

  /** The operation's first phase. */
  public static Operation start(Kind kind, Incarnation remove, Incarnation add) {
    return new Operation(kind, remove, add, remove != null ? Phase.Removing : Phase.Adding);
  }

  /** The same operation, its current phase last sent {@code ago}. */
  public Operation sent(Duration ago) {
    return new Operation(kind, remove, add, phase, ago);
  }

  /** The adding half, not sent yet: the removal is committed. */
  Operation adding() {
    return new Operation(kind, remove, add, Phase.Adding, null);
  }
}
