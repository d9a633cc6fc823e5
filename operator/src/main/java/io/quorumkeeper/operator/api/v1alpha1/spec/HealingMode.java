package io.quorumkeeper.operator.api.v1alpha1.spec;

/** Whether the operator may change the voter set and delete pods, or only report. */
public enum HealingMode {
  Auto,
  ReportOnly
}
