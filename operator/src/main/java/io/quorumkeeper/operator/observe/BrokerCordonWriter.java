package io.quorumkeeper.operator.observe;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Cordons brokers' log directories (KIP-1066) through the brokers, on the Admin the partition reads
 * use, and lifts their cordon through the controllers (ADR 045). A cordon is set through the broker
 * it is for (Kafka's controllers refuse to set one, since they cannot check a broker's directories,
 * and only brokers the cluster's metadata lists as running are asked: the others take no new
 * replica anyway while they are away); lifting one needs no such check, and the controllers are
 * where the operator may change broker configs on either transport (a Plaintext cluster's brokers
 * refuse it from their client listener).
 */
final class BrokerCordonWriter {

  /** Kafka's dynamic broker setting; {@code *} cordons every log directory of the broker. */
  static final String CORDONED_LOG_DIRS = "cordoned.log.dirs";

  private final Duration timeout;
  private final AdminConnections connections;
  private final AdminConnections controllers;

  /**
   * @param connections Admin clients of the brokers ({@code bootstrap.servers})
   * @param controllers Admin clients of the controllers ({@code bootstrap.controllers})
   */
  BrokerCordonWriter(Duration timeout, AdminConnections connections, AdminConnections controllers) {
    this.timeout = timeout;
    this.connections = connections;
    this.controllers = controllers;
  }

  /**
   * Every broker of {@code ids} that runs is asked what its log directories say, and those not
   * cordoned that are in {@code mayAsk} are asked to be.
   */
  QuorumClient.Cordons cordon(
      String cluster, String bootstrapServers, Set<Integer> ids, Set<Integer> mayAsk)
      throws QuorumUnavailableException {
    return call(
        cluster,
        () -> {
          Admin admin = connections.admin(cluster, bootstrapServers);
          Set<Integer> running = running(admin, ids);
          Set<Integer> absent = new TreeSet<>(ids);
          absent.removeAll(running);
          if (running.isEmpty()) {
            return new QuorumClient.Cordons(Set.of(), absent);
          }
          Map<Integer, Map<String, LogDirDescription>> dirs =
              await(admin.describeLogDirs(running).allDescriptions(), "describe log dirs");
          Set<Integer> cordoned = new TreeSet<>();
          Set<Integer> ask = new TreeSet<>();
          for (int id : running) {
            if (cordoned(dirs.getOrDefault(id, Map.of()).values())) {
              cordoned.add(id);
            } else if (mayAsk.contains(id)) {
              ask.add(id);
            }
          }
          if (!ask.isEmpty()) {
            await(
                admin.incrementalAlterConfigs(ops(ask, AlterConfigOp.OpType.SET)).all(),
                "cordon brokers " + ask);
          }
          return new QuorumClient.Cordons(cordoned, absent);
        });
  }

  Set<Integer> uncordon(
      String cluster, String bootstrapServers, String bootstrapControllers, Set<Integer> ids)
      throws QuorumUnavailableException {
    Set<Integer> running =
        call(cluster, () -> running(connections.admin(cluster, bootstrapServers), ids));
    if (running.isEmpty()) {
      return running;
    }
    try {
      AdminCalls.await(
          controllers
              .admin(cluster, bootstrapControllers)
              .incrementalAlterConfigs(ops(running, AlterConfigOp.OpType.DELETE))
              .all(),
          timeout,
          "lift the cordon of brokers " + running,
          "controller");
      return running;
    } catch (KafkaException | QuorumUnavailableException e) {
      controllers.failed(cluster); // the observation's client: replaced only if it is wedged
      throw e instanceof QuorumUnavailableException q
          ? q
          : new QuorumUnavailableException("controllers not reachable: " + e.getMessage(), e);
    }
  }

  /**
   * Whether a broker's log directories take no new replica: each online one is cordoned (an offline
   * one takes none anyway), and it reported at least one.
   */
  static boolean cordoned(Collection<LogDirDescription> dirs) {
    return !dirs.isEmpty() && dirs.stream().allMatch(d -> d.error() != null || d.isCordoned());
  }

  private Set<Integer> running(Admin admin, Set<Integer> ids) throws QuorumUnavailableException {
    Collection<Node> nodes = await(admin.describeCluster().nodes(), "describe cluster");
    Set<Integer> running =
        nodes.stream().map(Node::id).collect(Collectors.toCollection(HashSet::new));
    running.retainAll(ids);
    return new TreeSet<>(running);
  }

  private static Map<ConfigResource, Collection<AlterConfigOp>> ops(
      Set<Integer> ids, AlterConfigOp.OpType op) {
    return ids.stream()
        .collect(
            Collectors.toMap(
                id -> new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(id)),
                id ->
                    List.of(
                        new AlterConfigOp(
                            new ConfigEntry(
                                CORDONED_LOG_DIRS, op == AlterConfigOp.OpType.SET ? "*" : null),
                            op))));
  }

  private interface Call<T> {
    T run() throws QuorumUnavailableException;
  }

  private <T> T call(String cluster, Call<T> call) throws QuorumUnavailableException {
    try {
      return call.run();
    } catch (KafkaException | QuorumUnavailableException e) {
      connections.forget(cluster); // a wedged Admin starts again from the bootstrap list
      throw e instanceof QuorumUnavailableException q
          ? q
          : new QuorumUnavailableException("brokers not reachable: " + e.getMessage(), e);
    }
  }

  private <T> T await(KafkaFuture<T> future, String what) throws QuorumUnavailableException {
    return AdminCalls.await(future, timeout, what, "broker");
  }
}
