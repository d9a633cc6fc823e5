package io.quorumkeeper.local.control;

import io.quorumkeeper.local.InputException;
import io.quorumkeeper.local.LocalRuntime;
import java.util.List;

/** The verbs a user can send to a running runtime, from a second terminal or a scenario file. */
public final class Faults {

  public static final List<String> POD_VERBS =
      List.of("kill", "wipe", "freeze", "thaw", "node-down", "node-up");

  private Faults() {}

  /** Runs one pod verb; returns what happened, in one line. */
  public static String run(LocalRuntime runtime, String verb, String namespace, String pod) {
    var kubelet = runtime.kubelet();
    switch (verb) {
      case "kill" -> kubelet.kill(namespace, pod);
      case "wipe" -> kubelet.wipe(namespace, pod);
      case "freeze" -> kubelet.freeze(namespace, pod);
      case "thaw" -> kubelet.thaw(namespace, pod);
      case "node-down" -> kubelet.nodeDown(namespace, pod);
      case "node-up" -> kubelet.nodeUp(namespace, pod);
      default -> throw new InputException("unknown verb " + verb + "; one of " + POD_VERBS);
    }
    return switch (verb) {
      case "kill" -> pod + ": killed (SIGKILL); it restarts like a container would";
      case "wipe" -> pod + ": volume emptied while down; it restarts on a blank disk";
      case "freeze" -> pod + ": frozen (SIGSTOP)";
      case "thaw" -> pod + ": thawed (SIGCONT)";
      case "node-down" -> pod + ": its node is NotReady and the pod unreachable (SIGSTOP)";
      default -> pod + ": its node is Ready again";
    };
  }
}
