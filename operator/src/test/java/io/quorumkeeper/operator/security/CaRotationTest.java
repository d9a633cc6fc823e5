package io.quorumkeeper.operator.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.model.TlsSecretModel;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The phases of a CA rotation (docs/security.md, "Renewing the CA"), pass by pass. */
class CaRotationTest {

  private static final Set<String> STEADY_KEYS =
      Set.of("ca.crt", "ca.key", "operator.crt", "operator.key");

  /** One row of the table: what a pass writes in each phase. */
  private record Row(
      String phase,
      Set<String> caKeys,
      String signer,
      List<String> bundle,
      boolean podCertificatesReissued,
      boolean revisionChanges,
      Optional<String> event) {}

  @Test
  void givenAnOwnCaDueForRenewalThenItIsRotatedInThreePhasesTwoOfThemRolls() {
    RotationWorld world = RotationWorld.running();
    world.now = RotationWorld.DUE;
    X509Certificate a = world.signer();

    List<Row> table =
        List.of(
            new Row(
                "trust",
                Set.of(
                    "ca.crt",
                    "ca.key",
                    "next-ca.crt",
                    "next-ca.key",
                    "operator.crt",
                    "operator.key"),
                "A",
                List.of("A", "B"),
                false,
                true,
                Optional.of("CA rotation 1/3 (trust)")),
            new Row(
                "sign",
                Set.of("ca.crt", "ca.key", "previous-ca.crt", "operator.crt", "operator.key"),
                "B",
                List.of("B", "A"),
                true,
                true,
                Optional.of("CA rotation 2/3 (sign)")),
            new Row(
                "done",
                STEADY_KEYS,
                "B",
                List.of("B"),
                false,
                false,
                Optional.of("CA rotation 3/3 (done)")),
            new Row("steady", STEADY_KEYS, "B", List.of("B"), false, false, Optional.empty()));

    X509Certificate b = null;
    for (Row row : table) {
      String revisionBefore = ClusterCertificates.revision(world.tls);
      Map<String, String> podsBefore = podEntries(world);
      var outcome = world.pass();
      if (b == null && world.caEntries().containsKey("next-ca.crt")) {
        b = RotationWorld.certificates(world.caEntries().get("next-ca.crt")).get(0);
      }
      Map<String, X509Certificate> names = Map.of("A", a, "B", b == null ? a : b);

      assertThat(outcome.problem()).as(row.phase()).isEmpty();
      assertThat(world.caEntries().keySet()).as(row.phase()).isEqualTo(row.caKeys());
      assertThat(world.signer()).as(row.phase()).isEqualTo(names.get(row.signer()));
      assertThat(world.bundle())
          .as(row.phase())
          .containsExactlyElementsOf(row.bundle().stream().map(names::get).toList());
      assertThat(!podEntries(world).equals(podsBefore))
          .as(row.phase())
          .isEqualTo(row.podCertificatesReissued());
      assertThat(!outcome.revision().equals(revisionBefore))
          .as(row.phase())
          .isEqualTo(row.revisionChanges());
      assertThat(outcome.rolls()).as(row.phase()).isEqualTo(row.revisionChanges());
      assertThat(outcome.rotation().map(m -> m.substring(0, m.indexOf(':'))))
          .as(row.phase())
          .isEqualTo(row.event());
      assertThat(RotationWorld.trusts(List.of(world.signer()), world.operatorCertificate()))
          .as("%s: the operator's certificate is of the signing CA", row.phase())
          .isTrue();
      world
          .podNames()
          .forEach(
              pod ->
                  assertThat(
                          RotationWorld.trusts(List.of(world.signer()), podCertificate(world, pod)))
                      .as("%s: %s", row.phase(), pod)
                      .isTrue());
      world.roll();
    }
    assertThat(b).isNotEqualTo(a);
  }

  /** What keeps a phase from advancing: one pod that may still run what came before. */
  enum NotYet {
    ONE_POD_ON_THE_OLDER_REVISION(w -> w.rollExcept(first(w))),
    ONE_POD_NOT_READY(
        w -> {
          w.roll();
          w.restart(first(w), false);
        }),
    ONE_POD_MISSING(
        w -> {
          w.roll();
          w.pods.remove(first(w));
        }),
    A_POD_BEYOND_THE_POOLS_ON_ANOTHER_REVISION(
        w -> {
          w.roll();
          RotationWorld.Pod p = w.pods.get(first(w));
          w.pods.put(
              "orders-node-3", new RotationWorld.Pod("older", p.certificate(), p.trusted(), true));
        });

    final Consumer<RotationWorld> insteadOfRoll;

    NotYet(Consumer<RotationWorld> insteadOfRoll) {
      this.insteadOfRoll = insteadOfRoll;
    }

    private static String first(RotationWorld w) {
      return w.podNames().get(0);
    }
  }

  @ParameterizedTest
  @EnumSource(NotYet.class)
  void givenAPodThatMayRunThePreviousPhaseThenNoPhaseAdvances(NotYet notYet) {
    RotationWorld world = RotationWorld.running();
    world.now = RotationWorld.DUE;
    world.pass(); // trust
    for (String phase : List.of("trust", "sign")) {
      Map<String, String> caBefore = world.caEntries();
      String revision = ClusterCertificates.revision(world.tls);
      notYet.insteadOfRoll.accept(world);

      var outcome = world.pass();

      assertThat(outcome.rotation()).as(phase).isEmpty();
      assertThat(world.caEntries()).as(phase).isEqualTo(caBefore);
      assertThat(outcome.revision()).as(phase).isEqualTo(revision);
      world.pods.remove("orders-node-3");
      world.roll();
      world.podNames().forEach(world::ready);
      assertThat(world.pass().rotation()).as("%s, then every pod runs it", phase).isPresent();
    }
  }

  @Test
  void givenAnOperatorRestartBetweenPhasesThenTheSameSecretsDecideTheSame() {
    RotationWorld world = RotationWorld.running();
    world.now = RotationWorld.DUE;
    for (int phase = 0; phase < 3; phase++) {
      world.pass();
      world.roll();
      var before = world.decide();
      world.restartOperator();
      var after = world.decide();

      assertThat(after.rotation().isPresent())
          .as("phase %d", phase)
          .isEqualTo(before.rotation().isPresent());
      assertThat(after.revision()).as("phase %d", phase).isEqualTo(before.revision());
      assertThat(TlsSecretModel.entries(after.ca().orElseThrow()).keySet())
          .isEqualTo(TlsSecretModel.entries(before.ca().orElseThrow()).keySet());
      assertThat(TlsSecretModel.entries(after.tls().orElseThrow()).get("ca.crt"))
          .isEqualTo(TlsSecretModel.entries(before.tls().orElseThrow()).get("ca.crt"));
    }
    assertThat(world.caEntries().keySet()).isEqualTo(STEADY_KEYS);
  }

  @Test
  void givenTheTlsSecretNotWrittenAfterTheCaSecretThenThePhaseDoesNotAdvanceButIsWrittenAgain() {
    RotationWorld world = RotationWorld.running();
    world.now = RotationWorld.DUE;
    String revision = ClusterCertificates.revision(world.tls);
    world.halfPass(); // <cluster>-ca has the next CA, <cluster>-tls not yet: pods run `revision`

    var again = world.pass();

    assertThat(world.caEntries()).containsKey("next-ca.crt").doesNotContainKey("previous-ca.crt");
    assertThat(world.bundle()).hasSize(2);
    assertThat(again.revision()).isNotEqualTo(revision);
    assertThat(again.rolls()).isTrue();
  }

  @Test
  void givenAWantedCaOnARunningClusterThenItBecomesTheNextCaAndSignsAfterTwoRolls() {
    RotationWorld world = RotationWorld.running();
    world.now = RotationWorld.CREATED.plus(Duration.ofDays(10)); // the own CA is far from due
    ClusterCa wanted =
        ClusterCa.generate("kafka", "user", Duration.ofDays(3650), world.now.minusSeconds(60));
    world.wanted = Optional.of(wanted);

    assertThat(world.pass().rotation())
        .hasValueSatisfying(m -> assertThat(m).startsWith("CA rotation 1/3"));
    assertThat(world.caEntries().get("next-ca.crt")).isEqualTo(wanted.certificatePem());
    world.roll();
    assertThat(world.pass().rotation())
        .hasValueSatisfying(m -> assertThat(m).startsWith("CA rotation 2/3"));
    assertThat(world.signer()).isEqualTo(wanted.certificate());
    assertThat(world.caEntries().get("ca.key")).isEqualTo(wanted.keyPem());
    world.roll();
    assertThat(world.pass().rotation())
        .hasValueSatisfying(m -> assertThat(m).startsWith("CA rotation 3/3"));
    world.roll();
    assertThat(world.pass().rotation()).isEmpty();
    assertThat(world.bundle()).containsExactly(wanted.certificate());
  }

  @Test
  void givenAnotherWantedCaDuringTheTrustPhaseThenItReplacesTheNextCaAndThePodsRollAgain() {
    RotationWorld world = RotationWorld.running();
    world.now = RotationWorld.CREATED.plus(Duration.ofDays(10));
    world.wanted =
        Optional.of(ClusterCa.generate("kafka", "one", Duration.ofDays(3650), world.now));
    world.pass();
    world.roll();
    ClusterCa other = ClusterCa.generate("kafka", "two", Duration.ofDays(3650), world.now);
    world.wanted = Optional.of(other);

    var replaced = world.pass();

    assertThat(replaced.rotation())
        .hasValueSatisfying(m -> assertThat(m).startsWith("CA rotation 1/3"));
    assertThat(replaced.rolls()).isTrue();
    assertThat(world.caEntries().get("next-ca.crt")).isEqualTo(other.certificatePem());
    assertThat(world.signer()).isNotEqualTo(other.certificate());
  }

  @Test
  void givenAWantedCaForANewClusterThenItSignsFromTheStart() {
    RotationWorld world = new RotationWorld();
    ClusterCa wanted = ClusterCa.generate("kafka", "user", Duration.ofDays(3650), world.now);
    world.wanted = Optional.of(wanted);

    var outcome = world.pass();

    assertThat(outcome.rotation()).isEmpty();
    assertThat(world.caEntries()).containsEntry("ca.crt", wanted.certificatePem());
    assertThat(world.caEntries().keySet()).isEqualTo(STEADY_KEYS);
    assertThat(world.bundle()).containsExactly(wanted.certificate());
  }

  @Test
  void givenTheWantedCaIsTheSigningOneThenNothingRotatesEvenWhenItIsDue() throws Exception {
    RotationWorld world = RotationWorld.running();
    world.now = RotationWorld.DUE;
    world.wanted =
        Optional.of(
            ClusterCa.load(
                world.caEntries().get("ca.crt"), world.caEntries().get("ca.key"), world.now));
    String revision = ClusterCertificates.revision(world.tls);

    var outcome = world.pass();

    assertThat(outcome.rotation()).isEmpty();
    assertThat(outcome.revision()).isEqualTo(revision);
  }

  private static Map<String, String> podEntries(RotationWorld world) {
    Map<String, String> entries = new java.util.TreeMap<>(world.tlsEntries());
    entries.remove("ca.crt");
    return entries;
  }

  private static X509Certificate podCertificate(RotationWorld world, String pod) {
    return RotationWorld.certificates(world.tlsEntries().get(TlsSecretModel.podKey(pod))).get(0);
  }
}
