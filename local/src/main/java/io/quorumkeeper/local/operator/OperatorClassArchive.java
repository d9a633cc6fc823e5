package io.quorumkeeper.local.operator;

import io.quorumkeeper.local.RuntimeOptions;
import io.quorumkeeper.local.kube.ClassArchive;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's class archive ({@code local/target/operator.jsa}, docs/local-runtime.md "The
 * operator's class archive"): the classes a real operator loaded from its start through the
 * creation of a TLS cluster until it was Ready, written by its JVM as it exited ({@link
 * OperatorClassArchiveTraining}). An operator JVM started with it maps them, Quarkus's, Fabric8's,
 * Bouncy Castle's and Kafka's Admin client's alike, instead of loading them from the jars: its own
 * start and its first reconcile of a cluster take less time.
 */
public final class OperatorClassArchive {

  public static final String FILE = "operator.jsa";

  private OperatorClassArchive() {}

  /**
   * The operator JVM's options of {@code options}, with the archive when there is one newer than
   * the operator's jar and the options name no class archive of their own (the training's {@code
   * -XX:ArchiveClassesAtExit}).
   */
  public static List<String> jvmOptions(RuntimeOptions options) {
    List<String> jvm = new ArrayList<>(options.operatorJvmOptions());
    if (jvm.stream()
        .noneMatch(o -> o.contains("ArchiveClassesAtExit=") || o.contains("SharedArchiveFile="))) {
      jvm.addAll(ClassArchive.options(options.operatorJar(), options.operatorClassArchive()));
    }
    return List.copyOf(jvm);
  }
}
