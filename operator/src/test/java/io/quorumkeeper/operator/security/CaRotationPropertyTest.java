package io.quorumkeeper.operator.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * A CA rotation never splits the cluster: whatever order operator passes (whole, or with the {@code
 * <cluster>-tls} write failing), pod restarts (by the roll or not) and pods becoming ready come in,
 * every two pods that exist at the same time trust each other's certificates, and the operator
 * trusts every pod and is trusted by it. And the rotation ends, once the pods keep up, with the new
 * CA alone.
 */
class CaRotationPropertyTest {

  /** What happens next. */
  sealed interface Step permits Pass, HalfPass, Restart, Ready, Roll {}

  record Pass() implements Step {}

  record HalfPass() implements Step {}

  /** A pod restarts on what {@code <cluster>-tls} holds now, not ready yet. */
  record Restart(int pod) implements Step {}

  record Ready(int pod) implements Step {}

  /** Every pod not on the current revision restarts and is ready: a roll finished. */
  record Roll() implements Step {}

  @Property(tries = 60)
  void noTwoPodsThatRunTogetherDistrustEachOther(@ForAll("steps") List<Step> steps) {
    RotationWorld world = RotationWorld.running();
    world.now = RotationWorld.DUE;
    X509Certificate first = world.signer();
    List<String> names = world.podNames();
    for (Step step : steps) {
      if (step instanceof Pass) {
        world.pass();
      } else if (step instanceof HalfPass) {
        world.halfPass();
      } else if (step instanceof Restart r) {
        world.restart(names.get(r.pod()), false);
      } else if (step instanceof Ready r) {
        world.ready(names.get(r.pod()));
      } else if (step instanceof Roll) {
        world.roll();
      }
      assertEveryoneTrustsEveryone(world, step);
    }
    for (int round = 0; round < 4; round++) { // the pods keep up: the rotation ends
      world.pass();
      assertEveryoneTrustsEveryone(world, new Pass());
      world.roll();
      names.forEach(world::ready);
      assertEveryoneTrustsEveryone(world, new Roll());
    }
    assertThat(world.signer()).isNotEqualTo(first);
    assertThat(world.bundle()).containsExactly(world.signer());
    assertThat(world.caEntries()).doesNotContainKeys("next-ca.crt", "previous-ca.crt");
  }

  private static void assertEveryoneTrustsEveryone(RotationWorld world, Step after) {
    Map<String, RotationWorld.Pod> pods = world.pods;
    pods.forEach(
        (name, pod) -> {
          pods.forEach(
              (otherName, other) ->
                  assertThat(RotationWorld.trusts(pod.trusted(), other.certificate()))
                      .as("after %s, %s trusts %s", after, name, otherName)
                      .isTrue());
          assertThat(RotationWorld.trusts(pod.trusted(), world.operatorCertificate()))
              .as("after %s, %s trusts the operator", after, name)
              .isTrue();
          assertThat(RotationWorld.trusts(world.operatorTrust(), pod.certificate()))
              .as("after %s, the operator trusts %s", after, name)
              .isTrue();
        });
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> pod = Arbitraries.integers().between(0, 2);
    Arbitrary<Step> step =
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.just(new Pass())),
            Tuple.of(1, Arbitraries.just(new HalfPass())),
            Tuple.of(4, pod.map(Restart::new)),
            Tuple.of(4, pod.map(Ready::new)),
            Tuple.of(2, Arbitraries.just(new Roll())));
    return step.list().ofMinSize(1).ofMaxSize(40);
  }
}
