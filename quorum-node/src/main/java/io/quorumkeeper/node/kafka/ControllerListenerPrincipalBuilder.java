package io.quorumkeeper.node.kafka;

import org.apache.kafka.common.security.auth.AuthenticationContext;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder;

/**
 * A Plaintext cluster's principals (ADR 032): whoever connects on the controller listener is {@code
 * User:quorum-keeper-node}, the cluster's own nodes and the operator, since only they may reach
 * that port (the NetworkPolicy); everyone else is what Kafka makes of them, {@code User:ANONYMOUS}
 * on a plaintext listener. Kafka's own builder does the rest, including the serialization a broker
 * needs to forward a client's request, and its principal, to the controller.
 */
public final class ControllerListenerPrincipalBuilder extends DefaultKafkaPrincipalBuilder {

  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final KafkaPrincipal NODE =
      new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "quorum-keeper-node");

  /** Kafka makes one per listener, through this constructor; plaintext needs no name mapping. */
  public ControllerListenerPrincipalBuilder() {
    super(null, null);
  }

  @Override
  public KafkaPrincipal build(AuthenticationContext context) {
    return CONTROLLER_LISTENER.equals(context.listenerName()) ? NODE : super.build(context);
  }
}
