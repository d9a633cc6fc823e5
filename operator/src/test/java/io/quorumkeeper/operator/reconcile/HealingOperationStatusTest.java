package io.quorumkeeper.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.api.v1alpha1.status.OperationStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.VoterRef;
import java.time.Instant;
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

  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  static final VoterRef ONE = new VoterRef(1, "dir1");
  static final VoterRef THREE = new VoterRef(3, "dir3");

  @Test
  void givenWhatTheOperatorWrites_thenReadable() {
    assertThat(Healing.unreadable(op("ActivateSpare", "Removing", ONE, THREE), NOW)).isNull();
    assertThat(Healing.unreadable(op("ActivateSpare", "Adding", ONE, THREE), NOW)).isNull();
    assertThat(Healing.unreadable(op("AddVoter", "Adding", null, THREE), NOW)).isNull();
    assertThat(Healing.unreadable(op("RemoveVoter", "Removing", ONE, null), NOW)).isNull();
  }

  @Test
  void givenCorruptOperations_thenEachSaysWhatIsWrong() {
    assertThat(Healing.unreadable(op("Grow", "Adding", null, THREE), NOW)).contains("unknown type");
    assertThat(Healing.unreadable(op(null, "Adding", null, THREE), NOW)).contains("unknown type");
    assertThat(Healing.unreadable(op("AddVoter", "adding", null, THREE), NOW))
        .contains("unknown phase");
    assertThat(Healing.unreadable(op("ReplaceVoter", "Removing", ONE, null), NOW))
        .contains("needs remove and add");
    assertThat(Healing.unreadable(op("AddVoter", "Adding", ONE, THREE), NOW))
        .contains("needs no remove and add");
    assertThat(Healing.unreadable(op("RemoveVoter", "Adding", ONE, null), NOW))
        .contains("has no phase Adding");
    assertThat(Healing.unreadable(op("AddVoter", "Adding", null, new VoterRef(-3, "dir3")), NOW))
        .contains("is not a node id and a directory id");
    assertThat(Healing.unreadable(op("AddVoter", "Adding", null, new VoterRef(3, " ")), NOW))
        .contains("is not a node id and a directory id");
    OperationStatus badTime = op("AddVoter", "Adding", null, THREE);
    badTime.setSentAt("yesterday");
    assertThat(Healing.unreadable(badTime, NOW)).contains("'yesterday' is not an RFC 3339 time");
  }

  /**
   * A time far ahead of the operator's clock would hold its operation as long (never resent, never
   * settled, rolls blocked); a replica's clock a few seconds ahead must not lose the operation.
   */
  @Test
  void givenATimeFarAheadOfTheClock_thenUnreadable_aFewSecondsAhead_thenReadable() {
    OperationStatus future = op("AddVoter", "Adding", null, THREE);
    future.setSentAt("2999-01-01T00:00:00Z");
    assertThat(Healing.unreadable(future, NOW))
        .isEqualTo(
            "'2999-01-01T00:00:00Z' is later than the operator's clock (2026-06-01T00:00:00Z)");

    OperationStatus started = op("AddVoter", "Adding", null, THREE);
    started.setStartedAt("2026-06-01T00:00:31Z");
    started.setSentAt(null);
    assertThat(Healing.unreadable(started, NOW)).contains("later than the operator's clock");

    OperationStatus skewed = op("AddVoter", "Adding", null, THREE);
    skewed.setStartedAt("2026-06-01T00:00:29Z");
    skewed.setSentAt("2026-06-01T00:00:30Z");
    assertThat(Healing.unreadable(skewed, NOW)).isNull();
  }
}
