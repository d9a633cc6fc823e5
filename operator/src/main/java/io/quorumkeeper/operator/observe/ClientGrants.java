package io.quorumkeeper.operator.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclBinding;

/**
 * Who may use a TLS cluster as a client: anonymous clients when some listener lets them in, and the
 * user of each authenticated listener, each granted {@link AnonymousClientAcls}' set and nothing
 * more; and the SCRAM users' passwords, whose credentials Kafka must hold.
 *
 * @param anonymous whether {@code User:ANONYMOUS} is granted
 * @param users the listeners' user names ({@code User:<name>})
 * @param scram the SCRAM users' passwords by user name
 */
public record ClientGrants(boolean anonymous, List<String> users, Map<String, String> scram) {

  /** A cluster without declared listeners: its one anonymous listener. */
  public static final ClientGrants ANONYMOUS = new ClientGrants(true, List.of(), Map.of());

  public ClientGrants {
    users = List.copyOf(users);
    scram = Map.copyOf(scram);
  }

  /** The principals granted, {@code User:ANONYMOUS} first when it is. */
  public List<String> principals() {
    List<String> principals = new ArrayList<>();
    if (anonymous) {
      principals.add(AnonymousClientAcls.PRINCIPAL);
    }
    users.forEach(u -> principals.add("User:" + u));
    return principals;
  }

  /** Every ACL the grants need. */
  public List<AclBinding> bindings() {
    return principals().stream().flatMap(p -> AnonymousClientAcls.bindings(p).stream()).toList();
  }

  @Override
  public String toString() {
    // Never the passwords.
    return "ClientGrants" + principals() + " scram=" + scram.keySet();
  }
}
