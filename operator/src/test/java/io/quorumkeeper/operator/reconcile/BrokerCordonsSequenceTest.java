package io.quorumkeeper.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.BrokerCordon;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Examples;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.testing.FakeQuorumClient;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A broker pool's scale-downs and scale-ups against scripted brokers, pass after pass: the spec's
 * size changes at random, brokers stop and start, status writes are refused, time goes by. A cordon
 * is only ever sent for a broker status already records, Kafka never holds a cordon status does not
 * record, the partitions are read only a settling time after each running leaving broker was
 * cordoned, and once the spec stays put every broker it asks for ends uncordoned.
 */
class BrokerCordonsSequenceTest {

  static final Instant START = Instant.parse("2026-12-07T05:00:00Z");

  @Property(tries = 200)
  void cordonsFollowTheirRecordsAndAreLiftedForTheBrokersTheSpecKeeps(@ForAll long seed) {
    Random random = new Random(seed);
    QuorumCluster cr = Examples.load("separated.yaml"); // brokers 100-102
    cr.setStatus(new QuorumClusterStatus());
    FakeQuorumClient quorum = new FakeQuorumClient(Clock.systemUTC());
    QuorumScript kafka = quorum.script(QuorumObservation.key(cr), 3);
    kafka.partitions = List::of;
    Duration settle = BrokerCordons.settle(cr);
    List<String> violations = new ArrayList<>();
    List<BrokerCordon> persisted = new ArrayList<>();
    Map<Integer, Instant> cordonSentAt = new HashMap<>();
    Set<Integer> up = new TreeSet<>(Set.of(100, 101, 102));
    int pods = 3;
    Instant now = START;

    for (int pass = 0; pass < 60; pass++) {
      boolean settling = pass >= 45; // the spec stays put, every broker runs, writes go through
      if (!settling && random.nextInt(5) == 0) {
        cr.getSpec().getBrokers().setReplicas(3 + random.nextInt(3));
      }
      if (!settling && random.nextInt(8) == 0) {
        int id = 100 + random.nextInt(pods);
        if (!up.remove(id)) {
          up.add(id);
        }
      }
      if (settling) {
        for (int ordinal = 0; ordinal < pods; ordinal++) {
          up.add(100 + ordinal);
        }
      }
      kafka.runningBrokers = Set.copyOf(up);
      cr.getStatus().setBrokerCordons(new ArrayList<>(persisted));
      Set<Integer> recordedAtStart = ids(persisted);
      Instant at = now;
      kafka.onCordon =
          ids -> {
            if (!recordedAtStart.containsAll(ids)) {
              violations.add("cordon of " + ids + " sent while status recorded " + recordedAtStart);
            }
            ids.stream()
                .filter(up::contains)
                .filter(id -> !kafka.cordoned.contains(id))
                .forEach(id -> cordonSentAt.put(id, at));
          };
      int replicas = cr.getSpec().getBrokers().getReplicas();
      Pool spec = ClusterModel.pools(cr).get(1);
      Pool running = spec.withReplicas(Math.max(replicas, pods));
      BrokerCordons cordons =
          BrokerCordons.of(
              cr,
              new BrokerPartitions(quorum, cr),
              List.of(ClusterModel.pools(cr).get(0), running),
              now);
      cordons.liftWanted(ClusterModel.pools(cr));
      if (pods > replicas) {
        Set<Integer> leaving = BrokerCordons.nodeIds(spec, replicas, pods);
        boolean read = !BrokerCordons.supported(33) || cordons.cordon(leaving, now).isEmpty();
        if (read) {
          for (int id : leaving) {
            if (up.contains(id)
                && (!kafka.cordoned.contains(id)
                    || cordonSentAt.get(id).plus(settle).isAfter(now))) {
              violations.add("partitions read at " + now + " with broker " + id + " not settled");
            }
            up.remove(id); // its pod goes
          }
          pods = replicas;
        }
      } else if (pods < replicas) {
        pods = replicas; // new pods start; their brokers run at some later pass
      }
      if (settling || random.nextInt(7) != 0) {
        persisted = new ArrayList<>(cordons.recorded()); // else the status write was refused
      }
      if (!ids(persisted).containsAll(kafka.cordoned)) {
        violations.add("Kafka holds cordons " + kafka.cordoned + ", status records " + persisted);
      }
      now = now.plusMillis(random.nextInt(3000));
      if (settling) {
        now = now.plusSeconds(3);
      }
    }

    assertThat(violations).isEmpty();
    Set<Integer> wanted =
        BrokerCordons.nodeIds(
            ClusterModel.pools(cr).get(1), 0, cr.getSpec().getBrokers().getReplicas());
    assertThat(kafka.cordoned).doesNotContainAnyElementsOf(wanted);
    assertThat(pods).isEqualTo(cr.getSpec().getBrokers().getReplicas());
  }

  private static Set<Integer> ids(List<BrokerCordon> cordons) {
    Set<Integer> ids = new TreeSet<>();
    cordons.forEach(c -> ids.add(c.getNodeId()));
    return ids;
  }
}
