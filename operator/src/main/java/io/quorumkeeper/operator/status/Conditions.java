package io.quorumkeeper.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Builds a resource's next conditions from its previous ones: a condition whose status did not
 * change keeps its lastTransitionTime, so re-asserting the same facts changes nothing.
 */
public final class Conditions {

  public static final String READY = "Ready";
  public static final String QUORUM_HEALTHY = "QuorumHealthy";
  public static final String HEALING = "Healing";

  /** True while pods run an outdated template and the operator rolls them, one at a time. */
  public static final String PROGRESSING = "Progressing";

  public static final String SPEC_INVALID = "SpecInvalid";
  public static final String PAUSED = "Paused";
  public static final String WARNING = "Warning";

  private final List<Condition> previous;
  private final List<Condition> next = new ArrayList<>();
  private final long generation;
  private final Clock clock;

  /** Kubernetes caps a condition's message at 32768 characters; a reader wants far fewer. */
  static final int MAX_MESSAGE = 4096;

  /** {@code text} cut to {@code max} characters, marked as cut. */
  public static String shorten(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    return text.substring(0, max - 20) + " ... (" + (text.length() - max + 20) + " more)";
  }

  public Conditions(List<Condition> previous, long generation, Clock clock) {
    this.previous = previous == null ? List.of() : previous;
    this.generation = generation;
    this.clock = clock;
  }

  public Conditions set(String type, boolean status, String reason, String message) {
    String value = status ? "True" : "False";
    String since =
        find(previous, type)
            .filter(c -> value.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElseGet(() -> Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
    next.removeIf(c -> c.getType().equals(type));
    next.add(
        new ConditionBuilder()
            .withType(type)
            .withStatus(value)
            .withReason(reason)
            .withMessage(shorten(message, MAX_MESSAGE))
            .withObservedGeneration(generation)
            .withLastTransitionTime(since)
            .build());
    return this;
  }

  /** Keeps a previous condition this pass has nothing new to say about. */
  public Conditions keep(String type) {
    find(previous, type).ifPresent(next::add);
    return this;
  }

  /** Whether this pass turns {@code type} True where it was not True before. */
  public boolean becameTrue(String type) {
    return isTrue(next, type) && !isTrue(previous, type);
  }

  /** Whether {@code type} is True now with a message different from before. */
  public boolean changedWhileTrue(String type) {
    return isTrue(next, type)
        && !find(next, type)
            .map(Condition::getMessage)
            .equals(find(previous, type).map(Condition::getMessage));
  }

  public List<Condition> build() {
    List<Condition> sorted = new ArrayList<>(next);
    sorted.sort(Comparator.comparing(Condition::getType));
    return sorted;
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions == null
        ? Optional.empty()
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }
}
