package io.quorumkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.config.Leadership;
import io.quorumkeeper.operator.testing.FakeQuorumClient;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The wrapper every production call goes through. A default method of {@link QuorumClient} it does
 * not override reaches the delegate through the default's fallback, losing what the caller asked
 * for: the burst's 1 s bound on a describe was dropped that way, so each burst step could wait out
 * the 3 s bound on a dead leader.
 */
class LeaderOnlyQuorumClientTest {

  /** Defaults that only combine other methods, which are forwarded themselves. */
  private static final Set<String> COMPOSED = Set.of("grantAnonymousClients");

  @Test
  void everyMethodOfTheClientIsForwarded() {
    List<String> missing =
        Arrays.stream(QuorumClient.class.getMethods())
            .filter(m -> !Modifier.isStatic(m.getModifiers()))
            .filter(m -> !COMPOSED.contains(m.getName()))
            .filter(m -> !declares(m))
            .map(m -> m.getName() + Arrays.toString(m.getParameterTypes()))
            .toList();

    assertThat(missing)
        .as("QuorumClient methods LeaderOnlyQuorumClient does not forward")
        .isEmpty();
  }

  @Test
  void aBoundedCallKeepsItsBound() throws Exception {
    FakeQuorumClient fake = new FakeQuorumClient(Clock.systemUTC());
    fake.script("kafka/orders", 3);
    QuorumClient client = new LeaderOnlyQuorumClient(fake, Leadership.unelected());

    client.describe("kafka/orders", "orders-node-0:9093", Duration.ofSeconds(1));

    assertThat(fake.describeBounds).containsExactly(Duration.ofSeconds(1));
  }

  private static boolean declares(Method m) {
    try {
      LeaderOnlyQuorumClient.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
