package io.quorumkeeper.operator.quorum;

/**
 * The one pod restart of a roll, as recorded in status before the pod is deleted.
 *
 * @param uid the pod object deleted: a pod re-created under the same name is another object
 */
public record RollStep(String pod, String uid, String reason) {}
