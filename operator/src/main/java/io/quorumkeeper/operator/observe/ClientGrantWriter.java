package io.quorumkeeper.operator.observe;

import io.quorumkeeper.operator.model.UserRevocation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterUserScramCredentialsOptions;
import org.apache.kafka.clients.admin.CreateAclsOptions;
import org.apache.kafka.clients.admin.DeleteAclsOptions;
import org.apache.kafka.clients.admin.DescribeAclsOptions;
import org.apache.kafka.clients.admin.DescribeUserScramCredentialsOptions;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourcePatternFilter;

/**
 * Writes a cluster's {@link ClientGrants} through the controllers: the ACLs are read (one round
 * trip) and only the missing ones created. Kafka's Admin client cannot describe SCRAM users through
 * the controllers ("not yet supported when communicating directly with the controller quorum"), and
 * Kafka keeps only a salted hash anyway, so a SCRAM credential is written (an upsert) whenever this
 * operator has not yet written the password the Secret now holds: once per user after each operator
 * start, and after a password change. One deleted by hand comes back at the next start. It also
 * revokes: deletes the ACLs and SCRAM credentials of users no listener needs any more.
 */
final class ClientGrantWriter {

  /** Kafka's minimum is 4096; more costs the brokers only at login. */
  static final int SCRAM_ITERATIONS = 8192;

  private final Duration timeout;
  private final Map<String, Map<String, String>> written = new ConcurrentHashMap<>();

  ClientGrantWriter(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * @param controllers an Admin on the controllers
   * @param brokers an Admin on the brokers, asked for only when a SCRAM credential is to be written
   */
  int grant(Admin controllers, Supplier<Admin> brokers, String cluster, ClientGrants grants)
      throws QuorumUnavailableException {
    int ms = (int) timeout.toMillis();
    Map<String, String> hashes = written.computeIfAbsent(cluster, k -> new ConcurrentHashMap<>());
    List<UserScramCredentialAlteration> upserts = upserts(grants, hashes);
    // The credentials do not depend on the ACLs read below: the brokers' connection and the
    // controllers' round trips overlap.
    KafkaFuture<Void> altered =
        upserts.isEmpty()
            ? KafkaFuture.completedFuture(null)
            : brokers
                .get()
                .alterUserScramCredentials(
                    upserts, new AlterUserScramCredentialsOptions().timeoutMs(ms))
                .all();
    KafkaFuture<Collection<AclBinding>> acls =
        controllers
            .describeAcls(AclBindingFilter.ANY, new DescribeAclsOptions().timeoutMs(ms))
            .values();
    Collection<AclBinding> present = await(acls, "describe the client ACLs");
    List<AclBinding> missing =
        grants.bindings().stream().filter(b -> !present.contains(b)).toList();
    KafkaFuture<Void> created =
        missing.isEmpty()
            ? KafkaFuture.completedFuture(null)
            : controllers.createAcls(missing, new CreateAclsOptions().timeoutMs(ms)).all();
    await(created, "grant the client ACLs");
    await(altered, "write the SCRAM credentials");
    grants.scram().forEach((user, password) -> hashes.put(user, hash(password)));
    return missing.size() + upserts.size();
  }

  /** The SCRAM users whose password this operator has not written yet. */
  private static List<UserScramCredentialAlteration> upserts(
      ClientGrants grants, Map<String, String> written) {
    List<UserScramCredentialAlteration> upserts = new ArrayList<>();
    grants
        .scram()
        .forEach(
            (user, password) -> {
              if (!hash(password).equals(written.get(user))) {
                upserts.add(
                    new UserScramCredentialUpsertion(
                        user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS),
                        password));
              }
            });
    return upserts;
  }

  /**
   * The client users Kafka holds: every ACL's principal, and with {@code brokers} every user with a
   * SCRAM-SHA-512 credential (the only mechanism this operator writes).
   *
   * @param brokers an Admin on the brokers; null when the cluster has none (nor SCRAM users)
   */
  KafkaClientUsers users(Admin controllers, Supplier<Admin> brokers)
      throws QuorumUnavailableException {
    int ms = (int) timeout.toMillis();
    KafkaFuture<Collection<AclBinding>> acls =
        controllers
            .describeAcls(AclBindingFilter.ANY, new DescribeAclsOptions().timeoutMs(ms))
            .values();
    KafkaFuture<Map<String, UserScramCredentialsDescription>> scram =
        brokers == null
            ? KafkaFuture.completedFuture(Map.of())
            : brokers
                .get()
                .describeUserScramCredentials(
                    List.of(), new DescribeUserScramCredentialsOptions().timeoutMs(ms))
                .all();
    Set<String> principals =
        await(acls, "describe the client ACLs").stream()
            .map(b -> b.entry().principal())
            .collect(Collectors.toSet());
    Set<String> users =
        AdminCalls.await(scram, timeout, "describe the SCRAM users", "broker").values().stream()
            .filter(
                d ->
                    d.credentialInfos().stream()
                        .anyMatch(i -> i.mechanism() == ScramMechanism.SCRAM_SHA_512))
            .map(UserScramCredentialsDescription::name)
            .collect(Collectors.toSet());
    return new KafkaClientUsers(principals, users);
  }

  /**
   * Deletes every ACL of the revocation's principals through the controllers and its users'
   * SCRAM-SHA-512 credentials through the brokers; a user granted again later gets its credential
   * written again.
   *
   * @return how many ACLs and credentials were deleted
   */
  int revoke(Admin controllers, Supplier<Admin> brokers, String cluster, UserRevocation revocation)
      throws QuorumUnavailableException {
    int ms = (int) timeout.toMillis();
    List<AclBindingFilter> filters =
        revocation.principals().stream().map(ClientGrantWriter::everyAclOf).toList();
    List<UserScramCredentialAlteration> deletions =
        revocation.scramUsers().stream()
            .<UserScramCredentialAlteration>map(
                u -> new UserScramCredentialDeletion(u, ScramMechanism.SCRAM_SHA_512))
            .toList();
    Map<String, String> hashes = written.get(cluster);
    if (hashes != null) {
      revocation.scramUsers().forEach(hashes::remove);
    }
    KafkaFuture<Collection<AclBinding>> deleted =
        filters.isEmpty()
            ? KafkaFuture.completedFuture(List.of())
            : controllers.deleteAcls(filters, new DeleteAclsOptions().timeoutMs(ms)).all();
    KafkaFuture<Void> altered =
        deletions.isEmpty() || brokers == null
            ? KafkaFuture.completedFuture(null)
            : brokers
                .get()
                .alterUserScramCredentials(
                    deletions, new AlterUserScramCredentialsOptions().timeoutMs(ms))
                .all();
    int acls = await(deleted, "delete the ACLs of " + revocation.principals()).size();
    AdminCalls.await(
        altered, timeout, "delete the SCRAM credentials of " + revocation.scramUsers(), "broker");
    return acls + deletions.size();
  }

  /** Every ACL of {@code principal}, whatever its resource, operation, host or permission. */
  private static AclBindingFilter everyAclOf(String principal) {
    return new AclBindingFilter(
        ResourcePatternFilter.ANY,
        new AccessControlEntryFilter(principal, null, AclOperation.ANY, AclPermissionType.ANY));
  }

  void forget(String cluster) {
    written.remove(cluster);
  }

  private static String hash(String password) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(password.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private <T> T await(KafkaFuture<T> future, String what) throws QuorumUnavailableException {
    return AdminCalls.await(future, timeout, what, "controller");
  }
}
