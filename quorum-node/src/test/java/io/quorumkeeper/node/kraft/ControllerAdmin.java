package io.quorumkeeper.node.kraft;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.QuorumInfo;

/**
 * A Kafka Admin client of the controllers for tests that wait on a quorum, replaced after any
 * failed call, as the operator replaces its own ({@code AdminConnections}). A client whose first
 * DescribeCluster reaches a controller that has not loaded its metadata.version yet is answered
 * UnsupportedVersionException ("Direct-to-controller communication is not supported with the
 * current MetadataVersion"), which Kafka's client keeps as a fatal metadata error for every later
 * call: a test that kept one such client waited out its 90 s although the quorum had formed (a
 * fresh clone's CI, 2026-12-06). One made before any controller listened was seen to time out for
 * minutes.
 */
final class ControllerAdmin implements AutoCloseable {

  /** A call on the client. */
  interface Call<T> {
    T on(Admin admin) throws Exception;
  }

  private final Map<String, Object> config;
  private Admin admin;

  ControllerAdmin(String bootstrapControllers) {
    this(Map.of(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, bootstrapControllers));
  }

  ControllerAdmin(Map<String, Object> config) {
    this.config = Map.copyOf(config);
  }

  /** {@code call} on the current client; a failure replaces the client for the next call. */
  synchronized <T> T call(Call<T> call) throws Exception {
    try {
      return call.on(admin());
    } catch (Exception e) {
      admin.close(Duration.ofSeconds(2));
      admin = null;
      throw e;
    }
  }

  /** The current client, for calls made once the quorum has answered. */
  synchronized Admin admin() {
    if (admin == null) {
      admin = Admin.create(config);
    }
    return admin;
  }

  /** The quorum as the controllers describe it, within 5 s. */
  QuorumInfo quorum() throws Exception {
    return call(a -> a.describeMetadataQuorum().quorumInfo().get(5, TimeUnit.SECONDS));
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
      admin = null;
    }
  }
}
