package io.quorumkeeper.node.kraft;

/**
 * A pod of a pool, as the local runtime realizes it: its own loopback address, the same ports as
 * its peers.
 */
record Pod(String pool, int ordinal, String ip) {

  static final String NAMESPACE = "kafka";

  String name() {
    return pool + "-" + ordinal;
  }

  /** The stable DNS name a headless Service gives the pod: {@code QK_POD_HOST}. */
  String host() {
    return name() + "." + pool + "." + NAMESPACE + ".svc";
  }
}
