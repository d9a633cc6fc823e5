package io.quorumkeeper.operator.quorum;

import java.time.Instant;

/**
 * One pod the spec wants, as the roll planner sees it.
 *
 * @param uid the pod object's uid, or null when no pod of that name exists
 * @param outdated it runs another template revision than its StatefulSet now asks for
 * @param ready the pod exists, is not terminating, and is Ready
 * @param change what an outdated pod changes that a person cares about (for instance "Kafka version
 *     4.3.1 -> 4.4.0"), or null when only the template's hash tells
 * @param readySince when a ready pod last turned Ready (its condition's last transition), null when
 *     not ready or not known
 * @param terminatingSince when the pod object was deleted, if it is terminating (its deletion
 *     timestamp), else null
 */
public record RollPod(
    String pod,
    String uid,
    int nodeId,
    boolean controller,
    boolean broker,
    boolean outdated,
    boolean ready,
    String change,
    Instant readySince,
    Instant terminatingSince) {

  public RollPod(
      String pod,
      String uid,
      int nodeId,
      boolean controller,
      boolean broker,
      boolean outdated,
      boolean ready,
      String change) {
    this(pod, uid, nodeId, controller, broker, outdated, ready, change, null, null);
  }

  public RollPod(
      String pod,
      String uid,
      int nodeId,
      boolean controller,
      boolean broker,
      boolean outdated,
      boolean ready) {
    this(pod, uid, nodeId, controller, broker, outdated, ready, null);
  }

  public boolean exists() {
    return uid != null;
  }
}
