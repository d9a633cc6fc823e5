package io.quorumkeeper.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.local.bench.QuorumProbe.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The heal benchmark's arithmetic, on made-up samples 100 ms apart. */
class HealMeasurementTest {

  private static final long MS = 1_000_000;

  /** Samples from a string: '1' tolerates one failure, '0' none, '-' no leader; one per 100 ms. */
  private static List<Sample> samples(String timeline) {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < timeline.length(); i++) {
      long nanos = i * 100 * MS;
      samples.add(
          switch (timeline.charAt(i)) {
            case '1' -> new Sample(nanos, 0, Map.of(0, "a", 1, "b", 2, "c"), 3, Map.of());
            case '0' -> new Sample(nanos, 0, Map.of(0, "a", 1, "b", 2, "c"), 2, Map.of());
            default -> Sample.leaderless(nanos);
          });
    }
    return samples;
  }

  @Test
  void givenOneZeroWindowEndedByTheHeal_thenNothingBeyondTheFault() {
    HealMeasurement m = HealMeasurement.analyse(0, 600 * MS, samples("1100001111"));

    assertThat(m.healMillis()).isEqualTo(600);
    assertThat(m.zeroToleranceMillis()).isEqualTo(400);
    assertThat(m.leaderlessMillis()).isZero();
    assertThat(m.extraDrops()).isZero();
    assertThat(m.beyondTheFault()).isFalse();
  }

  @Test
  void givenALeaderlessStretchDuringTheHeal_thenItCountsAsZeroToleranceAndBeyondTheFault() {
    HealMeasurement m = HealMeasurement.analyse(0, 700 * MS, samples("1100--01111"));

    assertThat(m.zeroToleranceMillis()).isEqualTo(500);
    assertThat(m.leaderlessMillis()).isEqualTo(200);
    assertThat(m.extraDrops()).isZero();
    assertThat(m.beyondTheFault()).isTrue();
  }

  @Test
  void givenADropAfterTheHeal_thenItIsAnExtraDrop() {
    HealMeasurement m = HealMeasurement.analyse(0, 400 * MS, samples("1000110011"));

    assertThat(m.healMillis()).isEqualTo(400);
    assertThat(m.zeroToleranceMillis()).isEqualTo(300);
    assertThat(m.extraDrops()).isEqualTo(1);
    assertThat(m.extraDropMillis()).isEqualTo(200);
  }

  @Test
  void givenSamples_thenFaultToleranceIsLiveCaughtUpVotersAboveAMajority() {
    assertThat(new Sample(0, 0, Map.of(0, "a", 1, "b", 2, "c"), 3, Map.of()).faultTolerance())
        .isEqualTo(1);
    assertThat(new Sample(0, 0, Map.of(0, "a", 1, "b"), 2, Map.of()).faultTolerance()).isZero();
    assertThat(
            new Sample(0, 0, Map.of(0, "a", 1, "b", 2, "c", 3, "d"), 4, Map.of()).faultTolerance())
        .isEqualTo(1);
    assertThat(Sample.leaderless(0).faultTolerance()).isZero();
  }

  @Test
  void givenTenRuns_thenP50IsTheFifthAndP95TheSlowest() {
    List<Long> runs = List.of(10L, 1L, 9L, 2L, 8L, 3L, 7L, 4L, 6L, 5L);

    assertThat(HealReport.percentile(runs, 50)).isEqualTo(5);
    assertThat(HealReport.percentile(runs, 95)).isEqualTo(10);
  }

  @Test
  void givenTheOperatorsTemplate_whenMadeAutoJoin_thenOnlyTheQuorumLinesChange() {
    String template =
        "controller.listener.names=CONTROLLER\n"
            + "controller.quorum.auto.join.enable=false\n"
            + "controller.quorum.bootstrap.servers=a-0.a.default.svc:9093\n"
            + "node.id=${QK_NODE_ID}\n";

    assertThat(BareAutoJoinQuorum.autoJoinTemplate(template, "127.0.54.1:9093"))
        .isEqualTo(
            "controller.listener.names=CONTROLLER\n"
                + "controller.quorum.auto.join.enable=true\n"
                + "controller.quorum.bootstrap.servers=127.0.54.1:9093\n"
                + "node.id=${QK_NODE_ID}\n");
  }
}
