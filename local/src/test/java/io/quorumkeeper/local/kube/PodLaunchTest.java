package io.quorumkeeper.local.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodLaunchTest {

  private static final Pod POD =
      new PodBuilder()
          .withNewMetadata()
          .withName("orders-node-1")
          .withNamespace("kafka")
          .withLabels(Map.of("pool", "node"))
          .endMetadata()
          .withNewSpec()
          .withHostname("orders-node-1")
          .withSubdomain("orders-node")
          .addNewContainer()
          .withName("quorum-node")
          .addNewEnv()
          .withName("POD_NAME")
          .withNewValueFrom()
          .withNewFieldRef()
          .withFieldPath("metadata.name")
          .endFieldRef()
          .endValueFrom()
          .endEnv()
          .addNewEnv()
          .withName("POD_IP")
          .withNewValueFrom()
          .withNewFieldRef()
          .withFieldPath("status.podIP")
          .endFieldRef()
          .endValueFrom()
          .endEnv()
          .addNewEnv()
          .withName("QK_POD_HOST")
          .withValue("$(POD_NAME).orders-node.$(POD_NAMESPACE).svc")
          .endEnv()
          .addNewEnv()
          .withName("QK_DATA_DIR")
          .withValue("/var/lib/quorum/data")
          .endEnv()
          .endContainer()
          .endSpec()
          .build();

  @Test
  void givenPodSpec_whenEnvironmentResolved_thenFieldRefsExpandAndMountPathsAreTranslated() {
    Map<String, String> env =
        PodLaunch.environment(
            POD,
            "127.0.10.2",
            Map.of("/var/lib/quorum", Path.of("/rt/volumes/kafka/data-orders-node-1")));

    assertThat(env)
        .containsEntry("POD_NAME", "orders-node-1")
        .containsEntry("POD_IP", "127.0.10.2")
        // POD_NAMESPACE is not defined in this env: Kubernetes leaves the reference as written
        .containsEntry("QK_POD_HOST", "orders-node-1.orders-node.$(POD_NAMESPACE).svc")
        .containsEntry("QK_DATA_DIR", "/rt/volumes/kafka/data-orders-node-1/data");
  }

  @Test
  void givenAnEmptyDirVolume_whenPrepared_thenItIsAnEmptyDirectoryOfThePod(@TempDir Path root) {
    Pod pod =
        new PodBuilder(POD)
            .editSpec()
            .addNewVolume()
            .withName("tmp")
            .withNewEmptyDir()
            .withSizeLimit(new Quantity("128Mi"))
            .endEmptyDir()
            .endVolume()
            .editFirstContainer()
            .addNewVolumeMount()
            .withName("tmp")
            .withMountPath("/tmp")
            .endVolumeMount()
            .endContainer()
            .endSpec()
            .build();

    // no ConfigMap or Secret volume: the client is never asked
    Map<String, Path> mounts = new PodLaunch(new RuntimeLayout(root)).prepareVolumes(null, pod);

    assertThat(mounts).containsOnlyKeys("/tmp");
    assertThat(mounts.get("/tmp")).isDirectory().isEmptyDirectory().startsWith(root);
  }

  @Test
  void givenPathOutsideEveryMount_whenTranslated_thenUnchanged() {
    assertThat(PodLaunch.translate("/var/lib/quorumx", Map.of("/var/lib/quorum", Path.of("/d"))))
        .isEqualTo("/var/lib/quorumx");
  }

  @Test
  void givenPodsAndAService_whenHostsRendered_thenPodNamesAndTheServiceResolveToLoopback() {
    Service bootstrap =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("orders-bootstrap")
            .withNamespace("kafka")
            .endMetadata()
            .withNewSpec()
            .withSelector(Map.of("pool", "node"))
            .endSpec()
            .build();

    String hosts = HostsFile.render(List.of(POD), List.of(bootstrap), p -> "127.0.10.2");

    assertThat(hosts.lines())
        .contains(
            "127.0.10.2 orders-node-1.orders-node.kafka.svc",
            "127.0.10.2 orders-bootstrap.kafka.svc")
        .allMatch(l -> l.startsWith("#") || l.startsWith("127."));
  }

  @Test
  void givenStatefulSetPodNames_whenOrdinalParsed_thenOnlyOwnNumberedPodsCount() {
    assertThat(StatefulSetController.ordinal("orders-node", "orders-node-3")).contains(3);
    assertThat(StatefulSetController.ordinal("orders-node", "orders-node-x")).isEmpty();
    assertThat(StatefulSetController.ordinal("orders", "orders-node-3")).isEmpty();
  }

  @Test
  void givenAProjectedVolumeOfTwoConfigMaps_whenPrepared_thenBothAreOneDirectoryReadAtEachStart(
      @TempDir Path root) throws Exception {
    Pod pod =
        new PodBuilder(POD)
            .editSpec()
            .addNewVolume()
            .withName("config")
            .withNewProjected()
            .addNewSource()
            .withNewConfigMap()
            .withName("orders-node-config-0123456789")
            .endConfigMap()
            .endSource()
            .addNewSource()
            .withNewConfigMap()
            .withName("orders-node-bootstrap")
            .endConfigMap()
            .endSource()
            .endProjected()
            .endVolume()
            .editFirstContainer()
            .addNewVolumeMount()
            .withName("config")
            .withMountPath("/etc/quorum/config")
            .endVolumeMount()
            .endContainer()
            .endSpec()
            .build();
    try (io.quorumkeeper.local.api.ApiServer api =
        io.quorumkeeper.local.api.ApiServer.start(
            0, Path.of("../crds/quorumclusters.quorumkeeper.io-v1.yml"))) {
      api.client()
          .resource(configMap("orders-node-config-0123456789", "server.properties", "a=1"))
          .create();
      api.client()
          .resource(configMap("orders-node-bootstrap", "bootstrap.properties", "f=false"))
          .create();
      PodLaunch launch = new PodLaunch(new RuntimeLayout(root));

      Path dir = launch.prepareVolumes(api.client(), pod).get("/etc/quorum/config");
      assertThat(java.nio.file.Files.readString(dir.resolve("server.properties"))).isEqualTo("a=1");
      assertThat(java.nio.file.Files.readString(dir.resolve("bootstrap.properties")))
          .isEqualTo("f=false");

      api.client()
          .resource(configMap("orders-node-bootstrap", "bootstrap.properties", "f=true"))
          .update();
      dir = launch.prepareVolumes(api.client(), pod).get("/etc/quorum/config");
      assertThat(java.nio.file.Files.readString(dir.resolve("bootstrap.properties")))
          .isEqualTo("f=true");
    }
  }

  private static io.fabric8.kubernetes.api.model.ConfigMap configMap(
      String name, String key, String value) {
    return new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("kafka")
        .endMetadata()
        .addToData(key, value)
        .build();
  }
}
