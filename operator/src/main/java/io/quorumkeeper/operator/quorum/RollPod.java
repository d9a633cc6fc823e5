package io.quorumkeeper.operator.quorum;

/**
 * One pod the spec wants, as the roll planner sees it.
 *
 * @param uid the pod object's uid, or null when no pod of that name exists
 * @param outdated it runs another template revision than its StatefulSet now asks for
 * @param ready the pod exists, is not terminating, and is Ready
 */
public record RollPod(
    String pod,
    String uid,
    int nodeId,
    boolean controller,
    boolean broker,
    boolean outdated,
    boolean ready) {

  public boolean exists() {
    return uid != null;
  }
}
