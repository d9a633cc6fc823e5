package io.quorumkeeper.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The installs as users render them: a kustomization under deploy/ through the real {@code kubectl
 * kustomize}, and the Helm chart deploy/helm/quorum-keeper through Helm's own engine (helm-java
 * bundles it as a native library, no binary and no network), both parsed into objects.
 */
final class Rendered {

  static final Path CHART = Path.of("../deploy/helm/quorum-keeper");

  /** The release's name and namespace, the namespace the kustomizations put the operator in. */
  static final String RELEASE = "quorum-keeper";

  /** The API server version Helm renders for ({@code --kube-version}); its default is 1.20. */
  static final String KUBE_VERSION = "1.30.0";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Rendered() {}

  /** {@code kubectl kustomize dir}; skipped without kubectl, but not when CI=true. */
  static List<HasMetadata> kustomize(String dir) {
    boolean kubectl = onPath("kubectl");
    if (System.getenv("CI") != null) {
      assertThat(kubectl).as("CI installs kubectl (.ci/run)").isTrue();
    }
    assumeThat(kubectl).as("kubectl on PATH (apt-get install kubernetes-client)").isTrue();
    try {
      Process process = new ProcessBuilder("kubectl", "kustomize", dir).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue())
          .as(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
          .isZero();
      return parse(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * What {@code helm install quorum-keeper CHART -n quorum-keeper} with these values creates: the
   * chart's CRDs ({@code helm show crds}: Helm applies its crds/ folder as is, and {@code helm
   * template} renders it only with --include-crds, which helm-java lacks) and {@code helm
   * template}.
   */
  static List<HasMetadata> helm(Path dir, Map<String, ?> values) {
    return Stream.concat(
            parse(new Helm(CHART).show().crds().call()).stream(),
            parse(helmText(dir, values)).stream())
        .toList();
  }

  /**
   * The rendered text; Helm's refusal (a values.schema.json violation) as IllegalStateException.
   */
  static String helmText(Path dir, Map<String, ?> values) {
    try {
      Path file = Files.createTempFile(dir, "values", ".yaml");
      YAML.writeValue(file.toFile(), values);
      return new Helm(CHART)
          .template()
          .withName(RELEASE)
          .withNamespace(RELEASE)
          .withKubeVersion(KUBE_VERSION)
          .withValuesFile(file)
          .call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Multi-document YAML; documents that hold only comments (Helm's "# Source:") are skipped. */
  static List<HasMetadata> parse(String yaml) {
    return Arrays.stream(yaml.split("(?m)^---\\s*$"))
        .filter(doc -> doc.lines().anyMatch(l -> !l.isBlank() && !l.startsWith("#")))
        .map(doc -> Serialization.unmarshal(doc, HasMetadata.class))
        .toList();
  }

  /** kind/namespace/name, how objects of two renderings are paired. */
  static String key(HasMetadata object) {
    return object.getKind()
        + "/"
        + object.getMetadata().getNamespace()
        + "/"
        + object.getMetadata().getName();
  }

  private static boolean onPath(String command) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
