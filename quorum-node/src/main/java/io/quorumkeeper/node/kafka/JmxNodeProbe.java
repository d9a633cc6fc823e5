package io.quorumkeeper.node.kafka;

import io.quorumkeeper.node.agent.NodeIdentity;
import io.quorumkeeper.node.agent.NodeProbe;
import io.quorumkeeper.node.agent.NodeStatus;
import io.quorumkeeper.node.agent.RaftMetrics;
import io.quorumkeeper.node.agent.RaftStallWatch;
import io.quorumkeeper.node.config.ProcessRole;
import io.quorumkeeper.node.storage.MetadataLogOnDisk;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.management.AttributeNotFoundException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Reads the in-process Kafka server's state from the platform MBeanServer: the raft metrics ({@code
 * kafka.server:type=raft-metrics}) and the broker state gauge ({@code
 * kafka.server:type=KafkaServer,name=BrokerState}). Until Kafka registers them the status says so
 * (empty), it does not fail.
 */
public final class JmxNodeProbe implements NodeProbe {

  static final ObjectName RAFT_METRICS = name("kafka.server:type=raft-metrics");

  /** The raft client's network channel, whose count of requests sent is a follower's pulse. */
  static final ObjectName RAFT_CHANNEL = name("kafka.server:type=raft-channel-metrics");

  static final ObjectName BROKER_STATE = name("kafka.server:type=KafkaServer,name=BrokerState");

  /** {@code org.apache.kafka.metadata.BrokerState.RUNNING}. */
  private static final int BROKER_RUNNING = 3;

  private final MBeanServer server;
  private final NodeIdentity identity;
  private final BooleanSupplier kafkaAlive;
  private final Supplier<Optional<Boolean>> metadataRecordsOnDisk;
  private final RaftStallWatch stallWatch;

  /**
   * @param metadataRecordsOnDisk whether the node's metadata log holds records on disk ({@link
   *     MetadataLogOnDisk#watching})
   * @param stallWatch watches a controller's raft thread for a stall, one reading per status
   */
  public JmxNodeProbe(
      NodeIdentity identity,
      BooleanSupplier kafkaAlive,
      Supplier<Optional<Boolean>> metadataRecordsOnDisk,
      RaftStallWatch stallWatch) {
    this(
        ManagementFactory.getPlatformMBeanServer(),
        identity,
        kafkaAlive,
        metadataRecordsOnDisk,
        stallWatch);
  }

  JmxNodeProbe(MBeanServer server, NodeIdentity identity, BooleanSupplier kafkaAlive) {
    this(server, identity, kafkaAlive, Optional::empty, RaftStallWatch.off());
  }

  JmxNodeProbe(
      MBeanServer server,
      NodeIdentity identity,
      BooleanSupplier kafkaAlive,
      Supplier<Optional<Boolean>> metadataRecordsOnDisk,
      RaftStallWatch stallWatch) {
    this.server = server;
    this.identity = identity;
    this.kafkaAlive = kafkaAlive;
    this.metadataRecordsOnDisk = metadataRecordsOnDisk;
    this.stallWatch = stallWatch;
  }

  @Override
  public NodeStatus status() {
    Optional<Boolean> brokerRunning =
        identity.hasRole(ProcessRole.BROKER)
            ? Optional.of(brokerState().orElse(-1) == BROKER_RUNNING)
            : Optional.empty();
    Optional<RaftMetrics> raft = raftMetrics();
    Optional<String> stalled =
        identity.hasRole(ProcessRole.CONTROLLER)
            ? raft.flatMap(r -> stallWatch.stalled(r, raftRequestsSent()))
            : Optional.empty();
    return new NodeStatus(
        identity,
        kafkaAlive.getAsBoolean(),
        raft,
        brokerRunning,
        metadataRecordsOnDisk.get(),
        stalled);
  }

  private Optional<RaftMetrics> raftMetrics() {
    try {
      RaftMetrics.Latencies latencies =
          new RaftMetrics.Latencies(
              number("commit-latency-avg"),
              number("commit-latency-max"),
              number("election-latency-avg"),
              number("election-latency-max"));
      return Optional.of(
          new RaftMetrics(
              String.valueOf(server.getAttribute(RAFT_METRICS, "current-state")),
              (int) number("current-leader"),
              (int) number("current-epoch"),
              (long) number("high-watermark"),
              (long) number("log-end-offset"),
              latencies));
    } catch (InstanceNotFoundException e) {
      return Optional.empty();
    } catch (JMException e) {
      throw new IllegalStateException("cannot read " + RAFT_METRICS + ": " + e, e);
    }
  }

  private double number(String attribute) throws JMException {
    Object value = server.getAttribute(RAFT_METRICS, attribute);
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private OptionalLong raftRequestsSent() {
    try {
      Object value = server.getAttribute(RAFT_CHANNEL, "request-total");
      return value instanceof Number n && Double.isFinite(n.doubleValue())
          ? OptionalLong.of(n.longValue())
          : OptionalLong.empty();
    } catch (InstanceNotFoundException | AttributeNotFoundException e) {
      return OptionalLong.empty();
    } catch (JMException e) {
      throw new IllegalStateException("cannot read " + RAFT_CHANNEL + ": " + e, e);
    }
  }

  private Optional<Integer> brokerState() {
    try {
      Object value = server.getAttribute(BROKER_STATE, "Value");
      return value instanceof Number n ? Optional.of(n.intValue()) : Optional.empty();
    } catch (InstanceNotFoundException e) {
      return Optional.empty();
    } catch (JMException e) {
      throw new IllegalStateException("cannot read " + BROKER_STATE + ": " + e, e);
    }
  }

  private static ObjectName name(String text) {
    try {
      return new ObjectName(text);
    } catch (MalformedObjectNameException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
