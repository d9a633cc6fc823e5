package io.quorumkeeper.operator.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventRecorderTest {

  KubernetesMockServer server;
  KubernetesClient client;
  Instant now = Instant.parse("2026-01-01T00:00:00Z");
  EventRecorder events;

  @BeforeEach
  void start() {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    client = server.createClient();
    events =
        new EventRecorder(
            client,
            new Clock() {
              @Override
              public Instant instant() {
                return now;
              }

              @Override
              public ZoneOffset getZone() {
                return ZoneOffset.UTC;
              }

              @Override
              public Clock withZone(java.time.ZoneId zone) {
                return this;
              }
            });
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  @Test
  void givenObjectForgotten_thenItsRepeatIsRecordedAndOthersStillDeduplicated() {
    events.warningOnce(about("orders", "uid-1"), EventReason.ObjectNotWritten, "refused");
    events.warningOnce(about("payments", "uid-2"), EventReason.ObjectNotWritten, "refused");

    events.forget("uid-1");
    events.warningOnce(about("orders", "uid-1"), EventReason.ObjectNotWritten, "refused");
    events.warningOnce(about("payments", "uid-2"), EventReason.ObjectNotWritten, "refused");

    assertThat(recorded("orders")).isEqualTo(2);
    assertThat(recorded("payments")).isEqualTo(1);
    assertThat(events.remembered()).isEqualTo(2);
  }

  @Test
  void givenManyObjectsOverTime_thenWhatIsRememberedStaysBounded() {
    for (int i = 0; i < EventRecorder.MAX_REMEMBERED + 50; i++) {
      events.warning(about("c" + i, "uid-" + i), EventReason.ObjectNotWritten, "refused");
      now = now.plus(Duration.ofSeconds(1));
    }

    assertThat(events.remembered()).isLessThanOrEqualTo(EventRecorder.MAX_REMEMBERED + 1);
  }

  private long recorded(String name) {
    return client.v1().events().inNamespace("kafka").list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .count();
  }

  private static ConfigMap about(String name, String uid) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace("kafka")
        .withName(name)
        .withUid(uid)
        .endMetadata()
        .build();
  }
}
