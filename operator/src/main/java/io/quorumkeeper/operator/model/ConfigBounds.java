package io.quorumkeeper.operator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongPredicate;

/** Numeric {@code kafka.config} values held to the range a cluster lives with, key by key. */
final class ConfigBounds {

  /** The values a key may take, and the rule said when it takes another. */
  record Bound(LongPredicate allows, String rule) {}

  private ConfigBounds() {}

  /**
   * One message per value of {@code config} that is no whole number or falls outside its bound.
   *
   * @param within what the bounds protect, as the message says it ("what ... lives with")
   */
  static List<String> check(Map<String, String> config, Map<String, Bound> bounds, String within) {
    List<String> errors = new ArrayList<>();
    bounds.forEach(
        (key, bound) -> {
          String value = config.get(key);
          if (value == null) {
            return;
          }
          Optional<Long> number = parse(value);
          if (number.isEmpty() || !bound.allows().test(number.get())) {
            errors.add(
                "kafka.config "
                    + key
                    + "="
                    + KubernetesNames.shown(value)
                    + " is outside "
                    + within
                    + ": "
                    + bound.rule());
          }
        });
    return errors;
  }

  static Optional<Long> parse(String value) {
    try {
      return Optional.of(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
