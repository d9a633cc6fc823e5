package io.quorumkeeper.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** How far the operator may go on its own to restore the quorum's fault tolerance. */
public class HealingSpec {

  @JsonPropertyDescription(
      "Auto: replace failed voters and delete stranded pods. ReportOnly: only report what would be"
          + " done, in status and a HealingBlocked event.")
  @Default("Auto")
  private HealingMode mode = HealingMode.Auto;

  @JsonPropertyDescription(
      "A voter silent this long is replaced by a caught-up hot spare, as a duration like 30s, 2m"
          + " or 1m30s.")
  @Default("30s")
  @Pattern("^([0-9]+(ms|s|m|h))+$")
  private String unreachableAfter = "30s";

  public HealingMode getMode() {
    return mode;
  }

  public void setMode(HealingMode mode) {
    this.mode = mode;
  }

  public String getUnreachableAfter() {
    return unreachableAfter;
  }

  public void setUnreachableAfter(String unreachableAfter) {
    this.unreachableAfter = unreachableAfter;
  }
}
