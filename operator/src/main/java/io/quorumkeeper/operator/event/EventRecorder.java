package io.quorumkeeper.operator.event;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quorumkeeper.operator.status.Conditions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Records Kubernetes events about a resource, with reasons from {@link EventReason}. Callers emit
 * on changes; a second pass that sees the same change (its status write not yet in the informer
 * cache) must not record it twice, so the same reason and message for the same object is dropped
 * within {@link #REPEAT_WINDOW}. A real repeat later on (a second quorum loss, a voter lagging
 * again) is recorded. {@link #warningOnce} is for what a pass says every time while a situation
 * lasts (healing blocked): once, until the message changes. What is remembered for this is bounded:
 * a deleted object's entries are dropped ({@link #forget}), and past {@link #MAX_REMEMBERED}
 * entries the expired ones go, then all (at worst an event is recorded twice).
 */
public class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private static final String COMPONENT = "quorum-keeper";

  private final KubernetesClient client;
  private final Clock clock;

  /** Identical events closer than this are one. */
  public static final Duration REPEAT_WINDOW = Duration.ofMinutes(1);

  /** More remembered events than this are pruned. */
  static final int MAX_REMEMBERED = 1024;

  /** {@code window} null: remembered until the message changes. */
  private record Recorded(String message, Instant at, Duration window) {
    boolean expired(Instant now) {
      return window != null && !at.plus(window).isAfter(now);
    }
  }

  private final Map<String, Recorded> last = new ConcurrentHashMap<>();

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** The events API refuses longer notes. */
  static final int MAX_MESSAGE = 1024;

  public void normal(HasMetadata about, EventReason reason, String message) {
    record(about, "Normal", reason, message);
  }

  public void warning(HasMetadata about, EventReason reason, String message) {
    record(about, "Warning", reason, message, REPEAT_WINDOW);
  }

  /** A warning recorded once while its message stays the same. */
  public void warningOnce(HasMetadata about, EventReason reason, String message) {
    record(about, "Warning", reason, message, null);
  }

  private void record(HasMetadata about, String type, EventReason reason, String message) {
    record(about, type, reason, message, REPEAT_WINDOW);
  }

  /** Drops what is remembered about a deleted object, by its uid. */
  public void forget(String uid) {
    last.keySet().removeIf(key -> key.startsWith(uid + "/"));
  }

  /** How many events are remembered for de-duplication. */
  int remembered() {
    return last.size();
  }

  private void prune(Instant now) {
    if (last.size() <= MAX_REMEMBERED) {
      return;
    }
    last.values().removeIf(r -> r.expired(now));
    if (last.size() > MAX_REMEMBERED) {
      LOG.debugf("forgetting %d remembered events, the oldest may repeat", last.size());
      last.clear();
    }
  }

  private void record(
      HasMetadata about, String type, EventReason reason, String message, Duration window) {
    String key = about.getMetadata().getUid() + "/" + reason;
    Instant at = Instant.now(clock);
    prune(at);
    Recorded before = last.put(key, new Recorded(message, at, window));
    if (before != null
        && Objects.equals(before.message(), message)
        && (window == null || before.at().plus(window).isAfter(at))) {
      last.put(key, before); // the first sighting counts, not the latest
      return;
    }
    String now = at.toString();
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(about.getMetadata().getName() + ".")
            .withNamespace(about.getMetadata().getNamespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(about.getApiVersion())
            .withKind(about.getKind())
            .withName(about.getMetadata().getName())
            .withNamespace(about.getMetadata().getNamespace())
            .withUid(about.getMetadata().getUid())
            .withResourceVersion(about.getMetadata().getResourceVersion())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason.name())
            .withMessage(Conditions.shorten(message, MAX_MESSAGE))
            .withCount(1)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withNewSource(COMPONENT, null)
            .withReportingComponent(COMPONENT)
            .build();
    try {
      client.v1().events().resource(event).create();
    } catch (KubernetesClientException e) {
      // An event is a courtesy: failing to record one must not fail the reconcile.
      LOG.warnf(
          "could not record event %s for %s: %s",
          reason, about.getMetadata().getName(), e.getMessage());
    }
  }
}
