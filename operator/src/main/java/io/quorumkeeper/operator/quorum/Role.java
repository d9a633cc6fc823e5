package io.quorumkeeper.operator.quorum;

/** A controller incarnation's place in the quorum. */
public enum Role {
  Leader,
  Follower,
  /** A controller outside the voter set, ready to be swapped in for a failed voter. */
  Spare,
  /** A new incarnation of a voter's node id (its disk was lost), not yet a voter. */
  Observer,
  Retired
}
