package io.quorumkeeper.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Which users revocation takes away, from the current listeners and what Kafka reports: the
 * listeners' changes as a table, and as a property that it never touches a principal outside {@code
 * <cluster>-<listener>-user} nor one a current listener needs.
 */
class UserRevocationTest {

  private static final Set<String> KAFKA_ACLS =
      Set.of(
          "User:ledger-scram-user",
          "User:ledger-mtls-user",
          "User:ANONYMOUS",
          "User:quorum-keeper-node",
          "User:quorum-keeper-operator");
  private static final Set<String> KAFKA_SCRAM = Set.of("ledger-scram-user");

  private static final ClientListener SCRAM =
      listener("scram", ListenerAuthentication.SCRAM_SHA_512);
  private static final ClientListener MTLS = listener("mtls", ListenerAuthentication.TLS);

  @Example
  void givenBothListenersStay_thenNothingIsRevoked() {
    assertThat(decide(List.of(SCRAM, MTLS))).isEqualTo(UserRevocation.NONE);
  }

  @Example
  void givenTheScramListenerRemoved_thenItsAclsAndCredentialGo() {
    UserRevocation revoked = decide(List.of(MTLS));

    assertThat(revoked.principals()).containsExactly("User:ledger-scram-user");
    assertThat(revoked.scramUsers()).containsExactly("ledger-scram-user");
    assertThat(revoked.users()).containsExactly("ledger-scram-user");
  }

  @Example
  void givenTheScramListenerRenamed_thenTheOldUserGoes() {
    UserRevocation revoked =
        decide(List.of(listener("scram2", ListenerAuthentication.SCRAM_SHA_512), MTLS));

    assertThat(revoked.principals()).containsExactly("User:ledger-scram-user");
    assertThat(revoked.scramUsers()).containsExactly("ledger-scram-user");
  }

  @Example
  void givenScramBecomesTls_thenTheCredentialGoesAndTheAclsStay() {
    UserRevocation revoked = decide(List.of(listener("scram", ListenerAuthentication.TLS), MTLS));

    assertThat(revoked.principals()).isEmpty();
    assertThat(revoked.scramUsers()).containsExactly("ledger-scram-user");
    assertThat(revoked.what("ledger-scram-user")).containsExactly("its SCRAM credential");
  }

  @Example
  void givenScramAndTlsBecomeAnonymous_thenBothUsersGoAndAnonymousIsNotTouched() {
    UserRevocation revoked =
        decide(
            List.of(
                listener("scram", ListenerAuthentication.NONE),
                listener("mtls", ListenerAuthentication.NONE)));

    assertThat(revoked.principals())
        .containsExactly("User:ledger-mtls-user", "User:ledger-scram-user");
    assertThat(revoked.scramUsers()).containsExactly("ledger-scram-user");
    assertThat(revoked.what("ledger-scram-user"))
        .containsExactly("its ACLs", "its SCRAM credential");
  }

  @Example
  void givenTlsBecomesScram_thenTheSamePrincipalKeepsItsAcls() {
    UserRevocation revoked =
        decide(List.of(SCRAM, listener("mtls", ListenerAuthentication.SCRAM_SHA_512)));

    assertThat(revoked).isEqualTo(UserRevocation.NONE);
  }

  @Example
  void givenPrincipalsNotOfTheOperatorsForm_thenNoneIsRevoked() {
    Set<String> foreign =
        Set.of(
            "User:ledger-user",
            "User:other-scram-user",
            "User:ledger-controller-user",
            "User:ledger-Scram-user",
            "User:ledger-a-listener-name-too-long-user",
            "User:ledger-x--y-user",
            "User:CN=ledger-scram-user",
            "Group:ledger-scram-user",
            "User:ledger-scram-user ",
            "User:*");

    UserRevocation revoked =
        UserRevocation.decide(UserRevocation.Wanted.of("ledger", List.of()), foreign, foreign);

    assertThat(revoked).isEqualTo(UserRevocation.NONE);
  }

  @Property(tries = 500)
  void givenAnyListenersAndAnyKafkaState_thenOnlyUnneededOperatorUsersAreRevoked(
      @ForAll("clusters") String cluster,
      @ForAll("listeners") List<ClientListener> listeners,
      @ForAll("names") Set<String> aclNames,
      @ForAll("names") Set<String> scramNames) {
    Set<String> acls = aclNames.stream().map(n -> n.replace("<c>", cluster)).collect(toSet());
    Set<String> scram =
        scramNames.stream()
            .map(n -> n.replace("<c>", cluster).replaceFirst("^User:", ""))
            .collect(toSet());

    UserRevocation revoked =
        UserRevocation.decide(UserRevocation.Wanted.of(cluster, listeners), acls, scram);

    Pattern operatorPrincipal =
        Pattern.compile("User:" + Pattern.quote(cluster) + "-[a-z][a-z0-9]*(-[a-z0-9]+)*-user");
    Set<String> needed =
        listeners.stream()
            .filter(l -> l.authentication() != ListenerAuthentication.NONE)
            .map(l -> cluster + "-" + l.name() + "-user")
            .collect(toSet());
    Set<String> scramNeeded =
        listeners.stream()
            .filter(l -> l.authentication() == ListenerAuthentication.SCRAM_SHA_512)
            .map(l -> cluster + "-" + l.name() + "-user")
            .collect(toSet());
    assertThat(acls).containsAll(revoked.principals());
    assertThat(scram).containsAll(revoked.scramUsers());
    assertThat(revoked.principals()).allMatch(p -> operatorPrincipal.matcher(p).matches());
    assertThat(revoked.scramUsers())
        .allMatch(u -> operatorPrincipal.matcher("User:" + u).matches());
    assertThat(revoked.principals()).noneMatch(p -> needed.contains(p.substring(5)));
    assertThat(revoked.scramUsers()).noneMatch(scramNeeded::contains);
    Set<String> listenerUsers =
        LISTENER_NAMES.stream().map(n -> cluster + "-" + n + "-user").collect(toSet());
    assertThat(revoked.principals())
        .as("every reported user of a listener name that no listener needs goes")
        .containsAll(
            acls.stream()
                .filter(p -> listenerUsers.contains(p.substring(p.indexOf(':') + 1)))
                .filter(p -> p.startsWith("User:") && !needed.contains(p.substring(5)))
                .collect(toSet()));
  }

  /** Names a listener may have. */
  private static final List<String> LISTENER_NAMES =
      List.of("scram", "mtls", "plain", "a-b", "scram2", "x", "eu-scram");

  @Provide
  Arbitrary<String> clusters() {
    return Arbitraries.of("ledger", "a", "orders-eu", "ledger-scram");
  }

  @Provide
  Arbitrary<List<ClientListener>> listeners() {
    return Combinators.combine(
            Arbitraries.of("scram", "mtls", "plain", "a-b", "scram2"),
            Arbitraries.of(ListenerAuthentication.class))
        .as(UserRevocationTest::listener)
        .list()
        .ofMaxSize(4)
        .uniqueElements(ClientListener::name);
  }

  /** Principals of the operator's form (with {@code <c>} for the cluster) and all others. */
  @Provide
  Arbitrary<Set<String>> names() {
    Arbitrary<String> ours =
        Arbitraries.oneOf(Arbitraries.of(LISTENER_NAMES), Arbitraries.of("controller", "agent"))
            .map(n -> "User:<c>-" + n + "-user");
    Arbitrary<String> others =
        Arbitraries.of(
            "User:ANONYMOUS",
            "User:quorum-keeper-node",
            "User:quorum-keeper-operator",
            "User:<c>-user",
            "User:<c>--user",
            "User:<c>-Scram-user",
            "User:other-scram-user",
            "User:CN=<c>-scram-user",
            "Group:<c>-scram-user",
            "User:<c>-scram-users",
            "User:*");
    Arbitrary<String> random = Arbitraries.strings().withChars("abc-:UserN*<>").ofMaxLength(24);
    return Arbitraries.oneOf(ours, others, random).set().ofMaxSize(8);
  }

  private static UserRevocation decide(List<ClientListener> listeners) {
    return UserRevocation.decide(
        UserRevocation.Wanted.of("ledger", listeners), KAFKA_ACLS, KAFKA_SCRAM);
  }

  private static ClientListener listener(String name, ListenerAuthentication authentication) {
    boolean tls = authentication == ListenerAuthentication.TLS;
    return new ClientListener(name, name.toUpperCase(), 9094, name, tls, authentication);
  }

  private static <T> java.util.stream.Collector<T, ?, Set<T>> toSet() {
    return Collectors.toSet();
  }
}
