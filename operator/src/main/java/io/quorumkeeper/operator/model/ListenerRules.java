package io.quorumkeeper.operator.model;

import static io.quorumkeeper.operator.model.KubernetesNames.shown;

import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The operator's check of {@code spec.listeners}: the schema's pattern, ranges and CEL rules again
 * (the rules' messages word for word), for an API server that skipped them.
 */
final class ListenerRules {

  static final Pattern NAME = Pattern.compile(ListenerSpec.NAME_PATTERN);
  static final Set<String> RESERVED_NAMES = Set.of("controller", "replication", "agent");
  static final Set<Integer> RESERVED_PORTS =
      Set.of(Pool.REPLICATION_PORT, Pool.CONTROLLER_PORT, Pool.AGENT_PORT);

  private ListenerRules() {}

  /** Adds what is wrong with the listeners of a cluster that runs {@code transport}. */
  static void check(QuorumClusterSpec spec, Transport transport, List<String> errors) {
    List<ListenerSpec> listeners = spec.getListeners();
    if (listeners == null) {
      return;
    }
    if (listeners.isEmpty() || listeners.size() > ListenerSpec.MAX_LISTENERS) {
      errors.add("listeners: between 1 and " + ListenerSpec.MAX_LISTENERS + " listeners, or none");
      return;
    }
    if (listeners.stream().anyMatch(Objects::isNull)) {
      errors.add("listeners: an entry is empty");
      return;
    }
    listeners.forEach(l -> checkOne(l, errors));
    Set<String> names = new HashSet<>();
    Set<Integer> ports = new HashSet<>();
    boolean uniqueNames = listeners.stream().allMatch(l -> names.add(l.getName()));
    boolean uniquePorts = listeners.stream().allMatch(l -> ports.add(l.getPort()));
    if (!uniqueNames) {
      errors.add(ListenerSpec.NAMES_UNIQUE);
    }
    if (!uniquePorts) {
      errors.add(ListenerSpec.PORTS_UNIQUE);
    }
    // Set.of(...).contains(null) throws: a listener without a name (a schema bypassed) is
    // reported by checkOne, never an exception that stops the pass
    if (listeners.stream()
        .anyMatch(l -> l.getName() != null && RESERVED_NAMES.contains(l.getName()))) {
      errors.add(ListenerSpec.NAME_RESERVED);
    }
    if (listeners.stream().anyMatch(l -> RESERVED_PORTS.contains(l.getPort()))) {
      errors.add(ListenerSpec.PORT_RESERVED);
    }
    if (listeners.stream()
        .anyMatch(l -> authentication(l) == ListenerAuthentication.TLS && !l.isTls())) {
      errors.add(ListenerSpec.TLS_AUTH_NEEDS_TLS);
    }
    boolean oneAnonymous =
        listeners.size() == 1
            && !listeners.get(0).isTls()
            && authentication(listeners.get(0)) == ListenerAuthentication.NONE;
    if (transport == Transport.Plaintext && !oneAnonymous) {
      errors.add(ListenerSpec.PLAINTEXT_ONE_ANONYMOUS);
    }
    if (transport == Transport.Plaintext
        && listeners.stream().anyMatch(l -> l.getMaxConnections() != null)) {
      errors.add(PLAINTEXT_NO_CAP);
    }
  }

  /** Why a Plaintext cluster's listener takes no connection cap. */
  static final String PLAINTEXT_NO_CAP =
      "listeners: maxConnections needs security.transport TLS: a Plaintext cluster's one listener"
          + " also carries replication between brokers, which a cap filled by other callers would"
          + " stop";

  /**
   * Adds a warning per anonymous listener of a TLS cluster: the authorizer keeps such clients off
   * the quorum, but not from creating topics or filling the disks the metadata log may share (ADR
   * 015). A Plaintext cluster's one warning is {@link #warnTransport}'s.
   */
  static void warn(QuorumClusterSpec spec, Transport transport, List<String> warnings) {
    if (transport != Transport.TLS || spec.getListeners() == null) {
      return;
    }
    for (ListenerSpec listener : spec.getListeners()) {
      if (authentication(listener) == ListenerAuthentication.NONE) {
        warnings.add(
            ANONYMOUS_PREFIX
                + listener.getName()
                + " lets anonymous clients in: any client that reaches port "
                + listener.getPort()
                + " can create topics and fill disks (authentication: scram-sha-512 or tls"
                + " closes it)");
      }
    }
  }

  /** How the warning of an anonymous listener begins. */
  static final String ANONYMOUS_PREFIX = "listener ";

  /**
   * Adds the warning of a Plaintext cluster, for as long as it runs (its transport is immutable),
   * whatever its spec: nothing in it authenticates anyone, the controller listener included (ADR
   * 023).
   */
  static void warnTransport(Transport inForce, List<String> warnings) {
    if (inForce == Transport.Plaintext) {
      warnings.add(PLAINTEXT_WARNING);
    }
  }

  /** The warning of a Plaintext cluster. */
  static final String PLAINTEXT_WARNING =
      "transport Plaintext: no listener authenticates anyone, so any client that reaches the"
          + " controller port 9093 can add and remove voters and end the quorum, and any client of"
          + " its broker listeners can change every topic; the cluster's NetworkPolicy keeps 9093 to"
          + " its own pods and the operator only where the network enforces NetworkPolicies (the"
          + " transport is immutable: a cluster created with TLS, the default, closes this)";

  private static void checkOne(ListenerSpec listener, List<String> errors) {
    String name = listener.getName();
    if (name == null
        || name.length() > ListenerSpec.MAX_NAME_LENGTH
        || !NAME.matcher(name).matches()) {
      errors.add(
          "listeners: name "
              + shown(name)
              + " must be lower-case letters, digits and single dashes, start with a letter and"
              + " have at most "
              + ListenerSpec.MAX_NAME_LENGTH
              + " characters: it names a container port");
    }
    if (listener.getPort() < 1024 || listener.getPort() > 65535) {
      errors.add("listeners: port " + listener.getPort() + " must be between 1024 and 65535");
    }
    Integer cap = listener.getMaxConnections();
    if (cap != null && (cap < 1 || cap > ListenerSpec.MAX_CONNECTIONS)) {
      errors.add(
          "listeners: maxConnections "
              + cap
              + " must be between 1 and "
              + ListenerSpec.MAX_CONNECTIONS);
    }
  }

  private static ListenerAuthentication authentication(ListenerSpec listener) {
    return listener.getAuthentication() == null
        ? ListenerAuthentication.NONE
        : listener.getAuthentication();
  }
}
