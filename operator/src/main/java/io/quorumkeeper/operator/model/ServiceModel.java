package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The headless Service of each pool and the client bootstrap Service of the cluster. */
public final class ServiceModel {

  private ServiceModel() {}

  public static String bootstrapName(String cluster) {
    return cluster + "-bootstrap";
  }

  /**
   * Gives each pod its stable DNS name. Not-ready pods are published too: controllers must find
   * each other before any of them can be ready.
   */
  public static Service headless(QuorumCluster cr, Pool pool) {
    return headless(cr, pool, Transport.Plaintext, ClientListener.of(cr.getSpec(), null));
  }

  /** As above; on a TLS cluster, broker pools also expose the replication listener. */
  public static Service headless(
      QuorumCluster cr, Pool pool, Transport transport, List<ClientListener> clients) {
    return new ServiceBuilder()
        .withMetadata(Owner.meta(cr, pool.name(), Labels.pool(pool)))
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(Labels.poolSelector(pool))
        .withPorts(ports(pool, transport, clients))
        .endSpec()
        .build();
  }

  /** Where Kafka clients bootstrap: every pod with the broker role. */
  public static Service bootstrap(QuorumCluster cr, List<ClientListener> clients) {
    String cluster = cr.getMetadata().getName();
    Map<String, String> selector = new TreeMap<>();
    selector.put(Labels.CLUSTER, cluster);
    selector.put(Labels.BROKER_ROLE, "true");
    return new ServiceBuilder()
        .withMetadata(Owner.meta(cr, bootstrapName(cluster), Labels.cluster(cluster)))
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selector)
        .withPorts(clients.stream().map(l -> port(l.portName(), l.port())).toList())
        .endSpec()
        .build();
  }

  static List<ServicePort> ports(Pool pool, Transport transport, List<ClientListener> clients) {
    List<ServicePort> ports = new ArrayList<>();
    if (pool.kind().hasBrokerRole()) {
      clients.forEach(l -> ports.add(port(l.portName(), l.port())));
      if (transport == Transport.TLS) {
        ports.add(port(StatefulSetModel.REPLICATION_PORT_NAME, Pool.REPLICATION_PORT));
      }
    }
    if (pool.kind().hasControllerRole()) {
      ports.add(port("controller", Pool.CONTROLLER_PORT));
    }
    ports.add(port("agent", Pool.AGENT_PORT));
    return ports;
  }

  private static ServicePort port(String name, int port) {
    return new ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withNewTargetPort(name)
        .withProtocol("TCP")
        .build();
  }
}
