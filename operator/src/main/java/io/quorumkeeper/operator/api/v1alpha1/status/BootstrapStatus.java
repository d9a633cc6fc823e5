package io.quorumkeeper.operator.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the quorum is first formed. The directory ids are generated once, so that re-rendering never
 * invents new ones, and {@code formed} flips to true once, when a leader has been seen.
 */
public class BootstrapStatus {

  @JsonPropertyDescription(
      "True once the quorum has elected a leader; from then on every empty controller disk joins as"
          + " an observer.")
  private boolean formed;

  @JsonPropertyDescription("The initial voters, in node id order, with their directory ids.")
  private List<VoterRef> initialVoters = new ArrayList<>();

  public boolean isFormed() {
    return formed;
  }

  public void setFormed(boolean formed) {
    this.formed = formed;
  }

  public List<VoterRef> getInitialVoters() {
    return initialVoters;
  }

  public void setInitialVoters(List<VoterRef> initialVoters) {
    this.initialVoters = initialVoters;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BootstrapStatus b
        && formed == b.formed
        && Objects.equals(initialVoters, b.initialVoters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(formed, initialVoters);
  }
}
