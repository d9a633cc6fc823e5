package io.quorumkeeper.operator.model;

import static io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication.NONE;
import static io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication.SCRAM_SHA_512;
import static io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication.TLS;
import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Topology;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The operator's own check of spec.listeners, with the schema's messages word for word. */
class ListenerRulesTest {

  static ListenerSpec listener(
      String name, int port, boolean tls, ListenerAuthentication authentication) {
    return new ListenerSpec(name, port, tls, authentication);
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(
            "two listeners named alike",
            Transport.TLS,
            List.of(listener("a", 9094, true, NONE), listener("a", 9095, true, NONE)),
            ListenerSpec.NAMES_UNIQUE),
        Arguments.of(
            "two listeners on one port",
            Transport.TLS,
            List.of(listener("a", 9094, true, NONE), listener("b", 9094, true, NONE)),
            ListenerSpec.PORTS_UNIQUE),
        Arguments.of(
            "a listener named controller",
            Transport.TLS,
            List.of(listener("controller", 9094, true, NONE)),
            ListenerSpec.NAME_RESERVED),
        Arguments.of(
            "a listener without a name (the schema bypassed)",
            Transport.TLS,
            List.of(listener(null, 9094, true, NONE)),
            "listeners: name null must be lower-case letters"),
        Arguments.of(
            "a listener on the controller port",
            Transport.TLS,
            List.of(listener("a", 9093, true, NONE)),
            ListenerSpec.PORT_RESERVED),
        Arguments.of(
            "a listener on the agent port",
            Transport.TLS,
            List.of(listener("a", 8080, true, NONE)),
            ListenerSpec.PORT_RESERVED),
        Arguments.of(
            "certificate authentication without TLS",
            Transport.TLS,
            List.of(listener("a", 9094, false, TLS)),
            ListenerSpec.TLS_AUTH_NEEDS_TLS),
        Arguments.of(
            "SCRAM on a Plaintext cluster",
            Transport.Plaintext,
            List.of(listener("a", 9094, false, SCRAM_SHA_512)),
            ListenerSpec.PLAINTEXT_ONE_ANONYMOUS),
        Arguments.of(
            "two anonymous listeners on a Plaintext cluster",
            Transport.Plaintext,
            List.of(listener("a", 9094, false, NONE), listener("b", 9095, false, NONE)),
            ListenerSpec.PLAINTEXT_ONE_ANONYMOUS),
        Arguments.of(
            "a name with a double dash",
            Transport.TLS,
            List.of(listener("a--b", 9094, true, NONE)),
            "listeners: name a--b must be lower-case letters"),
        Arguments.of(
            "a name longer than a port name may be",
            Transport.TLS,
            List.of(listener("abcdefghijklmnop", 9094, true, NONE)),
            "at most 15 characters"),
        Arguments.of(
            "a privileged port",
            Transport.TLS,
            List.of(listener("a", 443, true, NONE)),
            "listeners: port 443 must be between 1024 and 65535"),
        Arguments.of("no listener at all", Transport.TLS, List.of(), "between 1 and 8"),
        Arguments.of(
            "a connection cap of none (the schema bypassed)",
            Transport.TLS,
            List.of(capped(listener("a", 9094, true, SCRAM_SHA_512), 0)),
            "listeners: maxConnections 0 must be between 1 and 1000000"),
        Arguments.of(
            "a connection cap beyond any broker's (the schema bypassed)",
            Transport.TLS,
            List.of(capped(listener("a", 9094, true, SCRAM_SHA_512), Integer.MAX_VALUE)),
            "listeners: maxConnections 2147483647 must be between 1 and 1000000"),
        Arguments.of(
            "a connection cap on a Plaintext cluster's one listener",
            Transport.Plaintext,
            List.of(capped(listener("a", 9094, false, NONE), 1000)),
            ListenerRules.PLAINTEXT_NO_CAP));
  }

  static ListenerSpec capped(ListenerSpec listener, int maxConnections) {
    listener.setMaxConnections(maxConnections);
    return listener;
  }

  @ParameterizedTest(name = "given {0}, then refused with the rule''s message")
  @MethodSource("refused")
  void givenABrokenRule_thenRefusedWithItsMessage(
      String description, Transport transport, List<ListenerSpec> listeners, String message) {
    assertThat(errors(transport, listeners)).singleElement().asString().contains(message);
  }

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of(
            "the example's SCRAM and mTLS listeners",
            Transport.TLS,
            Examples.load("combined-listeners.yaml").getSpec().getListeners()),
        Arguments.of(
            "one anonymous listener elsewhere on a Plaintext cluster",
            Transport.Plaintext,
            List.of(listener("clients", 19092, false, null))),
        Arguments.of(
            "every kind at once on a TLS cluster",
            Transport.TLS,
            List.of(
                listener("plain", 9092, false, NONE),
                listener("tls", 9094, true, NONE),
                listener("sasl", 9095, false, SCRAM_SHA_512),
                listener("sasl-tls", 9096, true, SCRAM_SHA_512),
                listener("mtls", 9097, true, TLS))));
  }

  @ParameterizedTest(name = "given {0}, then accepted")
  @MethodSource("accepted")
  void givenListenersWithinTheRules_thenAccepted(
      String description, Transport transport, List<ListenerSpec> listeners) {
    assertThat(errors(transport, listeners)).isEmpty();
  }

  private static List<String> errors(Transport transport, List<ListenerSpec> listeners) {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().setListeners(new ArrayList<>(listeners));
    return SpecValidator.validate(
            "orders",
            cr.getSpec(),
            Set.of("4.4.0"),
            Optional.of(Topology.Combined),
            Optional.of(transport))
        .errors();
  }
}
