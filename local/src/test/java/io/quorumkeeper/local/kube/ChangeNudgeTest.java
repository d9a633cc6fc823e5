package io.quorumkeeper.local.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.quorumkeeper.local.api.ApiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The stand-in controllers' pass follows a change at once, and a burst of changes costs one. */
class ChangeNudgeTest {

  @Test
  void givenAPassQueued_whenNudgedAgain_thenStillOnePassUntilItStarts() {
    Queue<Runnable> queue = new ArrayDeque<>();
    AtomicInteger passes = new AtomicInteger();
    ChangeNudge nudge = new ChangeNudge(queue::add, passes::incrementAndGet);

    for (int i = 0; i < 5; i++) {
      nudge.nudge();
    }
    assertThat(queue).hasSize(1);
    queue.poll().run();
    nudge.nudge();

    assertThat(passes).hasValue(1);
    assertThat(queue).hasSize(1);
  }

  @Test
  void givenTheEmbeddedApi_whenAPodOrAStatefulSetIsWritten_thenAPassRuns() {
    ExecutorService loop = Executors.newSingleThreadExecutor();
    AtomicInteger passes = new AtomicInteger();
    try (ApiServer api =
            ApiServer.start(0, Path.of("../crds/quorumclusters.quorumkeeper.io-v1.yml"));
        ChangeNudge nudge = new ChangeNudge(loop, passes::incrementAndGet).watching(api.client())) {
      int before = passes.get();

      api.client()
          .pods()
          .inNamespace("default")
          .resource(new PodBuilder().withNewMetadata().withName("p-0").endMetadata().build())
          .create();

      await().atMost(Duration.ofSeconds(10)).until(() -> passes.get() > before);
      int afterPod = passes.get();
      api.client()
          .apps()
          .statefulSets()
          .inNamespace("default")
          .resource(new StatefulSetBuilder().withNewMetadata().withName("s").endMetadata().build())
          .create();
      await().atMost(Duration.ofSeconds(10)).until(() -> passes.get() > afterPod);
    } finally {
      loop.shutdownNow();
    }
  }
}
