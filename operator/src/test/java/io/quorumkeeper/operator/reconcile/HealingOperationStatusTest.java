package io.quorumkeeper.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.api.v1alpha1.status.OperationStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.VoterRef;
import org.junit.jupiter.api.Test;

/** Which status.operation values the executor refuses to read (and clears) rather than act on. */
class HealingOperationStatusTest {

  static OperationStatus op(String type, String phase, VoterRef remove, VoterRef add) {
    OperationStatus s = new OperationStatus();
    s.setType(type);
    s.setPhase(phase);
    s.setRemove(remove);
    s.setAdd(add);
    s.setStartedAt("2026-01-01T00:00:00Z");
    s.setSentAt("2026-01-01T00:00:01Z");
    return s;
  }

  static final VoterRef ONE = new VoterRef(1, "dir1");
  static final VoterRef THREE = new VoterRef(3, "dir3");

  @Test
  void givenWhatTheOperatorWrites_thenReadable() {
    assertThat(Healing.unreadable(op("ActivateSpare", "Removing", ONE, THREE))).isNull();
    assertThat(Healing.unreadable(op("ActivateSpare", "Adding", ONE, THREE))).isNull();
    assertThat(Healing.unreadable(op("AddVoter", "Adding", null, THREE))).isNull();
    assertThat(Healing.unreadable(op("RemoveVoter", "Removing", ONE, null))).isNull();
  }

  @Test
  void givenCorruptOperations_thenEachSaysWhatIsWrong() {
    assertThat(Healing.unreadable(op("Grow", "Adding", null, THREE))).contains("unknown type");
    assertThat(Healing.unreadable(op(null, "Adding", null, THREE))).contains("unknown type");
    assertThat(Healing.unreadable(op("AddVoter", "adding", null, THREE))).contains("unknown phase");
    assertThat(Healing.unreadable(op("ReplaceVoter", "Removing", ONE, null)))
        .contains("needs remove and add");
    assertThat(Healing.unreadable(op("AddVoter", "Adding", ONE, THREE)))
        .contains("needs no remove and add");
    assertThat(Healing.unreadable(op("RemoveVoter", "Adding", ONE, null)))
        .contains("has no phase Adding");
    assertThat(Healing.unreadable(op("AddVoter", "Adding", null, new VoterRef(-3, "dir3"))))
        .contains("is not a node id and a directory id");
    assertThat(Healing.unreadable(op("AddVoter", "Adding", null, new VoterRef(3, " "))))
        .contains("is not a node id and a directory id");
    OperationStatus badTime = op("AddVoter", "Adding", null, THREE);
    badTime.setSentAt("yesterday");
    assertThat(Healing.unreadable(badTime)).contains("'yesterday' is not an RFC 3339 time");
  }
}
