package io.quorumkeeper.node.storage;

import io.quorumkeeper.node.config.InitialControllers;

/**
 * What the launcher does with the log directory before starting Kafka; see {@link FormatDecider}
 * for the rules. Each variant explains itself in one log line.
 */
public sealed interface FormatDecision {

  /** One line for the pod log: the decision and why. */
  String describe();

  /** The disk carries this cluster's {@code meta.properties}: start Kafka on it untouched. */
  record AlreadyFormatted(MetaProperties onDisk) implements FormatDecision {
    @Override
    public String describe() {
      return "storage already formatted (node id "
          + onDisk.nodeId()
          + ", directory id "
          + onDisk.directoryId()
          + "): starting on it untouched";
    }
  }

  /**
   * First formation of the quorum: format as one of the initial voters, with the operator's
   * directory id.
   */
  record FormatInitialControllers(InitialControllers initialControllers, String directoryId)
      implements FormatDecision {
    @Override
    public String describe() {
      return "empty controller disk, cluster never formed and no controller peer knows a leader: "
          + "formatting with --initial-controllers (directory id "
          + directoryId
          + ")";
    }
  }

  /**
   * An empty controller disk outside first formation: a new directory id, the node joins as an
   * observer.
   */
  record FormatNoInitialControllers(String reason) implements FormatDecision {
    @Override
    public String describe() {
      return "empty controller disk, "
          + reason
          + ": formatting with --no-initial-controllers (joins as observer)";
    }
  }

  /** An empty broker-only disk: plain format. */
  record FormatBroker() implements FormatDecision {
    @Override
    public String describe() {
      return "empty broker disk: formatting";
    }
  }

  /** The disk belongs to another cluster: refuse to start, never re-format. */
  record ClusterIdMismatch(String onDisk, String expected) implements FormatDecision {
    @Override
    public String describe() {
      return "meta.properties has cluster id "
          + onDisk
          + " but the ConfigMap says "
          + expected
          + ": refusing to start; this volume belongs to another cluster (the launcher never re-formats it)";
    }
  }

  /** The disk belongs to another node of this cluster: refuse to start. */
  record NodeIdMismatch(int onDisk, int expected) implements FormatDecision {
    @Override
    public String describe() {
      return "meta.properties has node id "
          + onDisk
          + " but this pod is node "
          + expected
          + ": refusing to start; the volume is attached to the wrong pod";
    }
  }
}
