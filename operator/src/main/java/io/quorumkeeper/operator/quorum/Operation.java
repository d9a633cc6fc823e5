package io.quorumkeeper.operator.quorum;

/**
 * The one membership change in flight, as recorded in status before it starts. A replacement
 * removes first (Kafka refuses a second voter with the same node id, and a dead voter cannot be
 * caught up anyway), then adds.
 *
 * @param remove the incarnation to remove, or null for a pure addition
 * @param add the incarnation to add, or null for a pure removal
 */
public record Operation(Kind kind, Incarnation remove, Incarnation add, Phase phase) {

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

  /** The operation's first phase. */
  public static Operation start(Kind kind, Incarnation remove, Incarnation add) {
    return new Operation(kind, remove, add, remove != null ? Phase.Removing : Phase.Adding);
  }
}
