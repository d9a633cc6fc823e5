package io.quorumkeeper.operator.quorum;

/** How well a controller incarnation keeps up with the leader. */
public enum Health {
  /** The leader, or caught up with the leader within the fetch timeout. */
  CaughtUp,
  /** Fetching, but behind the leader. */
  Lagging,
  /** No fetch for {@code healing.unreachableAfter}, or its pod is not running. */
  Unreachable,
  /** A voter whose node id came back with another directory id: its disk is gone. */
  DiskLost
}
