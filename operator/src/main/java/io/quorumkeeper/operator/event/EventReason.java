package io.quorumkeeper.operator.event;

/** Every reason the operator records Kubernetes events with. */
public enum EventReason {
  LeaderChanged,
  VoterAdded,
  VoterRemoved,
  VoterReplaced,
  VoterLagging,
  SpareActivated,
  HealingBlocked,
  QuorumLost,
  QuorumRestored,
  SpecInvalid,
  ObjectNotWritten,
  StrandedPodDeleted,
  OperationAbandoned,
  RollingRestart,
  EvictionRefused,
  RollBlocked,
  ScaleDownBlocked,
  BrokersCordoned,
  BrokerCordonLifted,
  MetadataVersionFinalized,
  CertificatesIssued,
  CaRotation,
  ClientUserRevoked,
  IdentityRestored,
  CertificatesExpiring
}
