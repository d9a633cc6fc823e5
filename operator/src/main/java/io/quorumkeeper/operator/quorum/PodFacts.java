package io.quorumkeeper.operator.quorum;

/**
 * What Kubernetes says about the pod that runs a node id.
 *
 * @param running the pod exists, is not terminating, and its container runs
 * @param nodeReady the pod's node is Ready (a NotReady node strands its pods)
 */
public record PodFacts(int nodeId, String pod, boolean running, boolean nodeReady) {}
