package io.quorumkeeper.operator.model;

/** The three kinds of pool, with the roles their pods run and where their node ids start. */
public enum PoolKind {
  /** Combined topology: every pod is broker and controller; ordinal i is node id i. */
  NODE("node", 0, true, true),
  /** Separated topology, controller pool: ordinal i is node id i. */
  CONTROLLER("controller", 0, true, false),
  /** Separated topology, broker pool: ordinal i is node id 100 + i. */
  BROKER("broker", 100, false, true);

  private final String suffix;
  private final int nodeIdOffset;
  private final boolean controller;
  private final boolean broker;

  PoolKind(String suffix, int nodeIdOffset, boolean controller, boolean broker) {
    this.suffix = suffix;
    this.nodeIdOffset = nodeIdOffset;
    this.controller = controller;
    this.broker = broker;
  }

  /** The pool's name suffix: {@code <cluster>-<suffix>} names its StatefulSet and pods. */
  public String suffix() {
    return suffix;
  }

  public int nodeIdOffset() {
    return nodeIdOffset;
  }

  public boolean hasControllerRole() {
    return controller;
  }

  public boolean hasBrokerRole() {
    return broker;
  }

  /** Kafka's {@code process.roles} value for this pool. */
  public String processRoles() {
    if (controller && broker) {
      return "broker,controller";
    }
    return controller ? "controller" : "broker";
  }

  public int nodeId(int ordinal) {
    return nodeIdOffset + ordinal;
  }
}
