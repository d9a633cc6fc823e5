package io.quorumkeeper.operator.model;

import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which client users a TLS cluster's Kafka must forget: those of listeners removed, renamed or
 * whose authentication changed. Decided from what Kafka reports, not from the spec last seen, so a
 * listener removed while the operator was down is revoked too. Only names of the operator's own
 * form, {@code <cluster>-<listener>-user} with a name a listener could have, are ever revoked: a
 * user's own principals, the nodes' and the operator's never match it.
 *
 * @param principals ACL principals ({@code User:<cluster>-<listener>-user}) whose every ACL goes
 * @param scramUsers users whose SCRAM credential goes
 */
public record UserRevocation(Set<String> principals, Set<String> scramUsers) {

  private static final String USER = "User:";
  private static final String SUFFIX = "-user";
  private static final Pattern LISTENER_NAME = Pattern.compile(ListenerSpec.NAME_PATTERN);

  /** Nothing to revoke. */
  public static final UserRevocation NONE = new UserRevocation(new TreeSet<>(), new TreeSet<>());

  public UserRevocation {
    principals = Collections.unmodifiableSortedSet(new TreeSet<>(principals));
    scramUsers = Collections.unmodifiableSortedSet(new TreeSet<>(scramUsers));
  }

  /**
   * What the current listeners need.
   *
   * @param users every authenticated listener's user: its ACLs stay
   * @param scram every {@code scram-sha-512} listener's user: its SCRAM credential stays
   */
  public record Wanted(String cluster, Set<String> users, Set<String> scram) {

    public Wanted {
      users = Set.copyOf(users);
      scram = Set.copyOf(scram);
    }

    public static Wanted of(String cluster, List<ClientListener> listeners) {
      return new Wanted(
          cluster,
          listeners.stream()
              .filter(ClientListener::authenticated)
              .map(l -> l.user(cluster))
              .collect(Collectors.toSet()),
          listeners.stream()
              .filter(l -> l.authentication() == ListenerAuthentication.SCRAM_SHA_512)
              .map(l -> l.user(cluster))
              .collect(Collectors.toSet()));
    }
  }

  /**
   * @param aclPrincipals the principal of every ACL Kafka holds
   * @param scramUsers every user Kafka holds a SCRAM-SHA-512 credential for
   */
  public static UserRevocation decide(
      Wanted wanted, Collection<String> aclPrincipals, Collection<String> scramUsers) {
    String cluster = wanted.cluster();
    return new UserRevocation(
        aclPrincipals.stream()
            .filter(p -> p.startsWith(USER))
            .filter(p -> operatorUser(cluster, p.substring(USER.length())))
            .filter(p -> !wanted.users().contains(p.substring(USER.length())))
            .collect(Collectors.toSet()),
        scramUsers.stream()
            .filter(u -> operatorUser(cluster, u))
            .filter(u -> !wanted.scram().contains(u))
            .collect(Collectors.toSet()));
  }

  /** Whether {@code user} is of the form the operator names a listener's user. */
  public static boolean operatorUser(String cluster, String user) {
    String prefix = cluster + "-";
    if (!user.startsWith(prefix)
        || !user.endsWith(SUFFIX)
        || user.length() <= prefix.length() + SUFFIX.length()) {
      return false;
    }
    String listener = user.substring(prefix.length(), user.length() - SUFFIX.length());
    return listener.length() <= ListenerSpec.MAX_NAME_LENGTH
        && LISTENER_NAME.matcher(listener).matches()
        && !ListenerRules.RESERVED_NAMES.contains(listener);
  }

  public boolean isEmpty() {
    return principals.isEmpty() && scramUsers.isEmpty();
  }

  /** Every user revoked, by name, sorted. */
  public SortedSet<String> users() {
    SortedSet<String> users = new TreeSet<>(scramUsers);
    principals.forEach(p -> users.add(p.substring(USER.length())));
    return users;
  }

  /** Each user with what goes of it, e.g. {@code orders-scram-user (its SCRAM credential)}. */
  @Override
  public String toString() {
    return users().stream()
        .map(u -> u + " (" + String.join(", ", what(u)) + ")")
        .collect(Collectors.joining(", "));
  }

  /** What goes for {@code user}, for the log and the event. */
  public List<String> what(String user) {
    List<String> what = new ArrayList<>();
    if (principals.contains(USER + user)) {
      what.add("its ACLs");
    }
    if (scramUsers.contains(user)) {
      what.add("its SCRAM credential");
    }
    return what;
  }
}
