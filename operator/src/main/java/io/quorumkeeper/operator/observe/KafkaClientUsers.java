package io.quorumkeeper.operator.observe;

import java.util.Set;

/**
 * The client users a cluster's Kafka holds, as it reports them: what revocation decides from.
 *
 * @param aclPrincipals the principal of every ACL
 * @param scramUsers every user with a SCRAM-SHA-512 credential
 */
public record KafkaClientUsers(Set<String> aclPrincipals, Set<String> scramUsers) {

  public KafkaClientUsers {
    aclPrincipals = Set.copyOf(aclPrincipals);
    scramUsers = Set.copyOf(scramUsers);
  }
}
