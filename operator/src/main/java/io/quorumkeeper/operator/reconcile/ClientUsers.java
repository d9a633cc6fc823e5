package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.model.ClientListener;
import io.quorumkeeper.operator.model.TlsSecretModel;
import io.quorumkeeper.operator.model.UserRevocation;
import io.quorumkeeper.operator.observe.ClientGrants;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.security.ClusterCa;
import io.quorumkeeper.operator.security.Pem;
import io.quorumkeeper.operator.security.UserCredentials;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Writes the Secret of each authenticated client listener's user, {@code <cluster>-<listener>-user}
 * (a SCRAM password generated once and kept, or a client certificate from the cluster CA renewed
 * like the nodes'), and tells {@link ClientAccess} whom to grant. A Secret not written yet keeps
 * the cluster from Ready: its clients could not log in.
 */
final class ClientUsers {

  private static final Logger LOG = Logger.getLogger(ClientUsers.class);

  /**
   * @param grants whom Kafka must let in, with the SCRAM passwords the Secrets hold
   * @param refused Secrets that could not be written, one readable line each
   * @param pending why clients cannot log in yet, if they cannot
   * @param wanted the users the current listeners need, for revoking any other
   */
  record Step(
      ClientGrants grants,
      List<String> refused,
      Optional<String> pending,
      UserRevocation.Wanted wanted) {}

  private final UserCredentials credentials;
  private final OwnedResources owned;
  private final Clock clock;

  ClientUsers(UserCredentials credentials, OwnedResources owned, Clock clock) {
    this.credentials = credentials;
    this.owned = owned;
    this.clock = clock;
  }

  /**
   * @param write false while the cluster is paused or its spec refused: nothing is written
   */
  Step ensure(QuorumCluster cr, boolean write, Context<QuorumCluster> context) {
    String cluster = cr.getMetadata().getName();
    List<ClientListener> listeners =
        ClientListener.of(cr.getSpec(), Identities.kept(cr.getStatus()));
    List<String> users = new ArrayList<>();
    Map<String, String> scram = new TreeMap<>();
    List<String> refused = new ArrayList<>();
    List<String> waiting = new ArrayList<>();
    Map<String, String> ca =
        current(cr, TlsSecretModel.caName(cluster), context)
            .map(TlsSecretModel::entries)
            .orElse(Map.of());
    for (ClientListener listener :
        listeners.stream().filter(ClientListener::authenticated).toList()) {
      String user = listener.user(cluster);
      users.add(user);
      Optional<Map<String, String>> held = secret(cr, listener, user, ca, write, refused, context);
      if (held.isEmpty()) {
        waiting.add(user);
      } else if (listener.authentication() == ListenerAuthentication.SCRAM_SHA_512) {
        scram.put(user, held.get().get(UserCredentials.PASSWORD));
      }
    }
    return new Step(
        new ClientGrants(ClientListener.anyAnonymous(listeners), users, scram),
        refused,
        waiting.isEmpty()
            ? Optional.empty()
            : Optional.of(
                "the Secrets of users " + String.join(", ", waiting) + " are not written"),
        UserRevocation.Wanted.of(cluster, listeners));
  }

  /**
   * Writes the user's Secret where it differs from what it should hold (only when {@code write});
   * the entries it holds now, or empty when it holds none yet or could not be written.
   */
  private Optional<Map<String, String>> secret(
      QuorumCluster cr,
      ClientListener listener,
      String user,
      Map<String, String> ca,
      boolean write,
      List<String> refused,
      Context<QuorumCluster> context) {
    Map<String, String> entries =
        current(cr, user, context).map(TlsSecretModel::entries).orElse(Map.of());
    Optional<Map<String, String>> desired =
        write ? desired(cr, listener, user, ca, entries) : Optional.of(entries);
    if (desired.isEmpty() || desired.get().isEmpty()) {
      return Optional.empty();
    }
    if (!desired.get().equals(entries)) {
      Supplier<HasMetadata> secret = () -> TlsSecretModel.render(cr, user, desired.get(), Map.of());
      List<String> notWritten = owned.applyAll(List.of(secret), cr, context);
      if (!notWritten.isEmpty()) {
        refused.addAll(notWritten);
        return Optional.empty();
      }
    }
    return desired;
  }

  /** The entries the user's Secret should hold; empty while the cluster CA is not there. */
  private Optional<Map<String, String>> desired(
      QuorumCluster cr,
      ClientListener listener,
      String user,
      Map<String, String> ca,
      Map<String, String> entries) {
    String signerPem = ca.get(TlsSecretModel.CA_CERT);
    if (signerPem == null) {
      return Optional.empty();
    }
    String caPem = TlsSecretModel.trustBundle(ca); // every CA the brokers may present, mid-rotation
    if (listener.authentication() == ListenerAuthentication.SCRAM_SHA_512) {
      return Optional.of(credentials.scram(user, caPem, entries));
    }
    try {
      ClusterCa authority =
          ClusterCa.load(signerPem, ca.get(TlsSecretModel.CA_KEY), clock.instant());
      List<String> issued = new ArrayList<>();
      Map<String, String> desired =
          credentials.certificate(user, authority, caPem, entries, clock.instant(), issued);
      issued.forEach(
          why ->
              LOG.infof(
                  "cluster=%s issued a client certificate for %s", QuorumObservation.key(cr), why));
      return Optional.of(desired);
    } catch (Pem.InvalidPemException e) {
      return Optional.empty(); // Certificates reports the unusable CA
    }
  }

  /** This cluster's Secret of that name, if it has one (one of someone else does not count). */
  private static Optional<Secret> current(
      QuorumCluster cr, String name, Context<QuorumCluster> context) {
    return OwnedResources.cache(Secret.class, context)
        .get(new ResourceID(name, cr.getMetadata().getNamespace()))
        .filter(secret -> OwnedResources.ownedBy(secret, cr));
  }
}
