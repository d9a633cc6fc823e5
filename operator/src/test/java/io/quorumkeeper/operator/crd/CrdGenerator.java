package io.quorumkeeper.operator.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Generates the QuorumCluster CRD from the Java model with Fabric8's CRD generator, run by the
 * build before the tests. Fabric8 sorts printer columns by JSON path; kubectl shows them in CRD
 * order, so they are put back in the order the model declares them (Topology ... Age).
 */
public final class CrdGenerator {

  public static final String FILE_NAME = "quorumclusters.quorumkeeper.io-v1.yml";

  private static final String HEADER =
      "# Generated from the Java model (operator/.../api/v1alpha1) by the build: do not edit.\n";

  private CrdGenerator() {}

  public static void main(String[] args) throws IOException {
    Path outputDir = Path.of(args[0]);
    Files.createDirectories(outputDir);
    Files.writeString(outputDir.resolve(FILE_NAME), render());
  }

  /** The CRD as YAML text, deterministic for a given model. */
  public static String render() {
    try {
      Path work = Files.createTempDirectory("crd");
      new CRDGenerator()
          .customResourceClasses(QuorumCluster.class)
          .forCRDVersions("v1")
          .inOutputDir(work.toFile())
          .generate();
      CustomResourceDefinition crd =
          Serialization.unmarshal(
              Files.readString(work.resolve(FILE_NAME)), CustomResourceDefinition.class);
      crd.getSpec().getVersions().forEach(v -> sortColumns(v.getAdditionalPrinterColumns()));
      try (var files = Files.list(work)) {
        for (Path p : files.toList()) {
          Files.delete(p);
        }
      }
      Files.delete(work);
      return HEADER + Serialization.asYaml(crd).replaceFirst("^---\n", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sortColumns(List<CustomResourceColumnDefinition> columns) {
    List<String> declared =
        Arrays.stream(QuorumCluster.class.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    columns.sort(Comparator.comparingInt(c -> declared.indexOf(c.getName())));
  }
}
