package io.quorumkeeper.crds;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An object the API server refuses (HTTP 422, reason Invalid), with the message it answers: {@code
 * QuorumCluster.quorumkeeper.io "demo" is invalid: spec.controllers: Invalid value: "object": ...};
 * several violations are listed in brackets, comma separated, as the API server does.
 */
public record Invalid(String kind, String group, String name, List<Violation> violations) {

  public Invalid {
    violations = List.copyOf(violations);
  }

  /** {@code QuorumCluster.quorumkeeper.io}: the qualified kind the API server names. */
  public String qualifiedKind() {
    return group.isEmpty() ? kind : kind + "." + group;
  }

  public String message() {
    String prefix = qualifiedKind() + " " + Violation.quoted(name) + " is invalid: ";
    if (violations.size() == 1) {
      return prefix + violations.get(0).describe();
    }
    return prefix
        + violations.stream().map(Violation::describe).collect(Collectors.joining(", ", "[", "]"));
  }
}
