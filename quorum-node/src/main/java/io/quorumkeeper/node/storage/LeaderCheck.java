package io.quorumkeeper.node.storage;

import java.util.OptionalInt;

/**
 * Asks the controller peers whether the quorum has a leader; empty when nobody answers with one.
 */
@FunctionalInterface
public interface LeaderCheck {
  OptionalInt findLeader();
}
