package io.quorumkeeper.node.config;

import io.quorumkeeper.node.LaunchException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** A Kafka KRaft process role, as written in {@code process.roles}. */
public enum ProcessRole {
  BROKER,
  CONTROLLER;

  /**
   * Parses {@code broker}, {@code controller} or {@code broker,controller} (any order, no
   * duplicates).
   */
  public static Set<ProcessRole> parseAll(String text) {
    if (text == null || text.isBlank()) {
      throw LaunchException.badInput("process.roles is empty; expected broker, controller or both");
    }
    EnumSet<ProcessRole> roles = EnumSet.noneOf(ProcessRole.class);
    for (String part : text.split(",")) {
      String name = part.trim();
      ProcessRole role =
          switch (name) {
            case "broker" -> BROKER;
            case "controller" -> CONTROLLER;
            default ->
                throw LaunchException.badInput(
                    "process.roles has unknown role '" + name + "'; expected broker or controller");
          };
      if (!roles.add(role)) {
        throw LaunchException.badInput("process.roles names '" + name + "' twice");
      }
    }
    return Set.copyOf(roles);
  }

  /** The canonical text, sorted: {@code broker,controller}. */
  public static String format(Set<ProcessRole> roles) {
    return roles.stream().sorted().map(ProcessRole::text).collect(Collectors.joining(","));
  }

  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
