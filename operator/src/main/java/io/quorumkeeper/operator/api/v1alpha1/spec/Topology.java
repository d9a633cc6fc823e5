package io.quorumkeeper.operator.api.v1alpha1.spec;

/** How Kafka roles are spread over pods. */
public enum Topology {
  /** Every node is broker and controller: one pool named {@code <name>-node}. */
  Combined,
  /** A controller pool {@code <name>-controller} and a broker pool {@code <name>-broker}. */
  Separated
}
