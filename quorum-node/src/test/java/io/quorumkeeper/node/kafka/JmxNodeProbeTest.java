package io.quorumkeeper.node.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.node.agent.NodeIdentity;
import io.quorumkeeper.node.agent.NodeStatus;
import io.quorumkeeper.node.agent.RaftMetrics;
import io.quorumkeeper.node.config.ProcessRole;
import java.util.Map;
import java.util.Set;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import org.junit.jupiter.api.Test;

/**
 * Reads Kafka-shaped MBeans from a private MBeanServer: the names and types Kafka 4.4 registers.
 */
class JmxNodeProbeTest {

  private final MBeanServer server = MBeanServerFactory.newMBeanServer();
  private final NodeIdentity combined =
      new NodeIdentity(0, "d", "c", Set.of(ProcessRole.BROKER, ProcessRole.CONTROLLER));

  /** A read-only MBean with fixed attributes, like Kafka's JmxReporter and Yammer gauges expose. */
  record FixedMBean(Map<String, Object> attributes) implements DynamicMBean {
    @Override
    public Object getAttribute(String name) throws AttributeNotFoundException {
      if (!attributes.containsKey(name)) {
        throw new AttributeNotFoundException(name);
      }
      return attributes.get(name);
    }

    @Override
    public void setAttribute(Attribute attribute) {
      throw new UnsupportedOperationException();
    }

    @Override
    public AttributeList getAttributes(String[] names) {
      return new AttributeList();
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Object invoke(String action, Object[] params, String[] signature) {
      throw new UnsupportedOperationException();
    }

    @Override
    public MBeanInfo getMBeanInfo() {
      return new MBeanInfo(FixedMBean.class.getName(), "fixed", null, null, null, null);
    }
  }

  @Test
  void givenKafkaRegisteredNothingYet_whenProbed_thenRaftIsEmptyAndTheBrokerNotRunning() {
    NodeStatus status = new JmxNodeProbe(server, combined, () -> true).status();

    assertThat(status.raft()).isEmpty();
    assertThat(status.brokerRunning()).hasValue(false);
    assertThat(status.readiness().ready()).isFalse();
  }

  @Test
  void givenKafkasMetrics_whenProbed_thenTheyAreReadWithTheirTypes() throws JMException {
    server.registerMBean(
        new FixedMBean(
            Map.of(
                "current-state", "follower",
                "current-leader", 2.0,
                "current-epoch", 9.0,
                "high-watermark", 345.0,
                "log-end-offset", 346.0,
                "commit-latency-avg", 1.25,
                "commit-latency-max", 3.0,
                "election-latency-avg", Double.NaN,
                "election-latency-max", Double.NaN)),
        JmxNodeProbe.RAFT_METRICS);
    server.registerMBean(new FixedMBean(Map.of("Value", 3)), JmxNodeProbe.BROKER_STATE);

    NodeStatus status = new JmxNodeProbe(server, combined, () -> true).status();

    assertThat(status.raft())
        .hasValueSatisfying(
            raft -> {
              assertThat(raft.state()).isEqualTo("follower");
              assertThat(raft.leaderId()).isEqualTo(2);
              assertThat(raft.epoch()).isEqualTo(9);
              assertThat(raft.highWatermark()).isEqualTo(345);
              assertThat(raft.logEndOffset()).isEqualTo(346);
              assertThat(raft.latencies().commitAvgMs()).isEqualTo(1.25);
              assertThat(raft.latencies().electionMaxMs()).isNaN();
            });
    assertThat(status.brokerRunning()).hasValue(true);
    assertThat(status.readiness().ready()).isTrue();
  }

  @Test
  void givenAControllerOnlyNode_whenProbed_thenBrokerStateIsNotAsked() {
    NodeIdentity controller = new NodeIdentity(0, "d", "c", Set.of(ProcessRole.CONTROLLER));

    NodeStatus status = new JmxNodeProbe(server, controller, () -> false).status();

    assertThat(status.brokerRunning()).isEmpty();
    assertThat(status.kafkaAlive()).isFalse();
    assertThat(status.raft().map(RaftMetrics::state)).isEmpty();
  }
}
