package io.quorumkeeper.operator.observe;

import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What a client of the unauthenticated client listener (port 9092, principal {@code
 * User:ANONYMOUS}) may do on a TLS cluster, whose authorizer refuses everything else: use any
 * topic, consumer group and transactional id, and write idempotently. Nothing on the cluster
 * resource beyond that, so no voter change, no cluster-wide config, no ACL of its own.
 */
public final class AnonymousClientAcls {

  public static final String PRINCIPAL = "User:ANONYMOUS";

  private AnonymousClientAcls() {}

  public static List<AclBinding> bindings() {
    return bindings(PRINCIPAL);
  }

  /** The same set for another client principal (the user of an authenticated listener). */
  public static List<AclBinding> bindings(String principal) {
    return List.of(
        allow(principal, ResourceType.TOPIC, "*", AclOperation.ALL),
        allow(principal, ResourceType.GROUP, "*", AclOperation.ALL),
        allow(principal, ResourceType.TRANSACTIONAL_ID, "*", AclOperation.ALL),
        allow(principal, ResourceType.CLUSTER, "kafka-cluster", AclOperation.IDEMPOTENT_WRITE));
  }

  private static AclBinding allow(
      String principal, ResourceType type, String name, AclOperation operation) {
    return new AclBinding(
        new ResourcePattern(type, name, PatternType.LITERAL),
        new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
  }
}
