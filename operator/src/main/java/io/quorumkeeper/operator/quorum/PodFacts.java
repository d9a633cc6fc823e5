package io.quorumkeeper.operator.quorum;

/**
 * What Kubernetes says about the pod that runs a node id.
 *
 * @param running the pod exists, is not terminating, and its container runs
 * @param nodeReady the pod's node is Ready (a NotReady node strands its pods)
 * @param zone the zone label of the pod's node, or null
 */
public record PodFacts(int nodeId, String pod, boolean running, boolean nodeReady, String zone) {

  public PodFacts(int nodeId, String pod, boolean running, boolean nodeReady) {
    this(nodeId, pod, running, nodeReady, null);
  }
}
