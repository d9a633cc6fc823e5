package io.quorumkeeper.local.kube;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The status a kubelet would write for a pod, from its container's {@link PodContainer.Snapshot}.
 */
final class PodStatuses {

  private PodStatuses() {}

  static PodStatus of(Pod pod, String ip, PodContainer.Snapshot s, Instant now) {
    String container = PodLaunch.container(pod).getName();
    String image = PodLaunch.container(pod).getImage();
    ContainerStatusBuilder cs =
        new ContainerStatusBuilder()
            .withName(container)
            .withImage(image)
            .withImageID("local://quorum-node")
            .withReady(s.ready())
            .withStarted(s.running())
            .withRestartCount(s.restarts());
    if (s.running()) {
      cs.withState(
          new ContainerStateBuilder()
              .withNewRunning()
              .withStartedAt(time(s.startedAt()))
              .endRunning()
              .build());
      cs.withContainerID("local://" + s.pid());
    } else {
      cs.withState(
          new ContainerStateBuilder()
              .withNewWaiting()
              .withReason(s.waitingReason() == null ? "ContainerCreating" : s.waitingReason())
              .withMessage(s.waitingMessage())
              .endWaiting()
              .build());
    }
    if (s.lastExitCode() != null) {
      cs.withLastState(
          new ContainerStateBuilder()
              .withNewTerminated()
              .withExitCode(s.lastExitCode())
              .withReason(s.lastExitCode() == 0 ? "Completed" : "Error")
              .withFinishedAt(time(s.lastFinishedAt()))
              .endTerminated()
              .build());
    }
    boolean started = s.firstStart() != null;
    List<PodCondition> conditions = new ArrayList<>();
    conditions.add(condition("PodScheduled", true, null, pod));
    conditions.add(condition("Initialized", true, null, pod));
    conditions.add(condition("ContainersReady", s.ready(), s.ready() ? null : reason(s), pod));
    conditions.add(condition("Ready", s.ready(), s.ready() ? null : reason(s), pod));
    ContainerStatus status = cs.build();
    return new PodStatusBuilder()
        .withPhase(started ? "Running" : "Pending")
        .withHostIP(ip)
        .withPodIP(ip)
        .withPodIPs(new PodIP(ip))
        .withStartTime(time(s.firstStart() == null ? now : s.firstStart()))
        .withConditions(conditions)
        .withContainerStatuses(status)
        .withQosClass("Burstable")
        .build();
  }

  private static String reason(PodContainer.Snapshot s) {
    if (s.nodeDown()) {
      return "NodeNotReady";
    }
    return "ContainersNotReady";
  }

  private static PodCondition condition(String type, boolean value, String reason, Pod pod) {
    PodCondition previous =
        pod.getStatus() == null
            ? null
            : pod.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElse(null);
    String status = value ? "True" : "False";
    String since =
        previous != null && status.equals(previous.getStatus())
            ? previous.getLastTransitionTime()
            : time(Instant.now());
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withLastTransitionTime(since)
        .build();
  }

  /** The parts of a status that matter; timestamps alone never cause a write. */
  static String signature(PodStatus status) {
    if (status == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(Objects.toString(status.getPhase()));
    b.append('|').append(status.getPodIP());
    status
        .getConditions()
        .forEach(
            c -> b.append('|').append(c.getType()).append(c.getStatus()).append(c.getReason()));
    status
        .getContainerStatuses()
        .forEach(
            c -> {
              b.append('|')
                  .append(c.getReady())
                  .append(c.getRestartCount())
                  .append(c.getContainerID());
              if (c.getState() != null && c.getState().getWaiting() != null) {
                b.append("w").append(c.getState().getWaiting().getReason());
              }
              if (c.getLastState() != null && c.getLastState().getTerminated() != null) {
                b.append("t").append(c.getLastState().getTerminated().getExitCode());
              }
            });
    return b.toString();
  }

  static String time(Instant instant) {
    return instant == null
        ? null
        : instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }
}
