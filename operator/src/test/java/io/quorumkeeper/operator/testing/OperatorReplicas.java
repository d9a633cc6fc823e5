package io.quorumkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quorumkeeper.operator.config.JosdkSettings;
import io.quorumkeeper.operator.config.LeaderElectionSettings;
import io.quorumkeeper.operator.config.Leadership;
import io.quorumkeeper.operator.observe.LeaderOnlyQuorumClient;
import io.quorumkeeper.operator.observe.QuorumMetrics;
import io.quorumkeeper.operator.reconcile.QuorumClusterReconciler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

/**
 * Several operator replicas in-process, each with its own client, JOSDK Operator and leader
 * election, against one mock Kubernetes API (CRUD mode, RBAC reviews answered from deploy/) and one
 * scripted quorum: what a Deployment with two replicas runs.
 */
public final class OperatorReplicas implements AutoCloseable {

  public static final String LEASE = LeaderElectionSettings.DEFAULT_LEASE_NAME;

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final FakeQuorumClient quorum = new FakeQuorumClient(Clock.systemUTC());
  private final List<Replica> replicas = new ArrayList<>();
  private final List<ApiCall> calls = new ArrayList<>();

  /** One operator replica: its own client (user agent names it), Operator and Lease state. */
  public static final class Replica {
    private final String identity;
    private final KubernetesClient client;
    private final Operator operator;
    private final ReconcileCounter reconciles = new ReconcileCounter();
    private final Leadership leadership;
    private boolean stopped;

    private Replica(String identity, KubernetesClient client, FakeQuorumClient quorum) {
      this.identity = identity;
      this.client = client;
      this.leadership = new Leadership(settings(identity), client);
      this.operator =
          new Operator(
              o ->
                  JosdkSettings.apply(o, leadership)
                      .withKubernetesClient(client)
                      .withCloseClientOnStop(false)
                      .withMetrics(reconciles)
                      .withReconciliationTerminationTimeout(Duration.ofSeconds(5)));
      operator.register(
          new QuorumClusterReconciler(
              client,
              ApiHarness.SETTINGS,
              Clock.systemUTC(),
              new LeaderOnlyQuorumClient(quorum, leadership),
              new QuorumMetrics(new SimpleMeterRegistry())));
    }

    /** Short durations so that tests see a takeover quickly; no JVM exit on loss in tests. */
    private static LeaderElectionSettings settings(String identity) {
      return new LeaderElectionSettings(
          true,
          LEASE,
          Optional.of(DeployRbac.OPERATOR_NAMESPACE),
          identity,
          Duration.ofSeconds(4),
          Duration.ofSeconds(3),
          Duration.ofMillis(500),
          false);
    }

    public String identity() {
      return identity;
    }

    public String userAgent() {
      return ApiHarness.OPERATOR_AGENT + "/" + identity;
    }

    public ReconcileCounter reconciles() {
      return reconciles;
    }

    public Leadership leadership() {
      return leadership;
    }

    /** As a pod being deleted: reconciles end, then the Lease is released. */
    public synchronized void stop() {
      if (!stopped) {
        stopped = true;
        operator.stop();
      }
    }
  }

  private OperatorReplicas() {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new RulesReviewingDispatcher(DeployRbac::operatorNamespaceRules),
            false);
    server.init();
    client = server.createClient();
    client.resource(ApiHarness.crd()).create();
  }

  /** A mock API with the CRD installed and no operator yet. */
  public static OperatorReplicas api() {
    return new OperatorReplicas();
  }

  /** Starts one more replica named {@code identity}, as a Deployment's new pod. */
  public Replica start(String identity) {
    KubernetesClient replicaClient =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration())
                    .withUserAgent(ApiHarness.OPERATOR_AGENT + "/" + identity)
                    .build())
            .build();
    Replica replica = new Replica(identity, replicaClient, quorum);
    replicas.add(replica);
    replica.operator.start();
    return replica;
  }

  public KubernetesClient client() {
    return client;
  }

  public FakeQuorumClient quorum() {
    return quorum;
  }

  /** The replica named in the Lease, if any holds it. */
  public Optional<String> holder() {
    Lease lease =
        client
            .resources(Lease.class)
            .inNamespace(DeployRbac.OPERATOR_NAMESPACE)
            .withName(LEASE)
            .get();
    return Optional.ofNullable(lease)
        .map(l -> l.getSpec().getHolderIdentity())
        .filter(h -> !h.isBlank());
  }

  /** Every API call made since the last call of this method. */
  public synchronized List<ApiCall> drainCalls() {
    calls.addAll(ApiCall.takeAll(server));
    List<ApiCall> drained = List.copyOf(calls);
    calls.clear();
    return drained;
  }

  @Override
  public void close() {
    replicas.forEach(Replica::stop);
    replicas.forEach(r -> r.client.close());
    client.close();
    server.destroy();
  }
}
