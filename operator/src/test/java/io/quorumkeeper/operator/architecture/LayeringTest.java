package io.quorumkeeper.operator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Desired state and decisions stay pure: {@code model} and {@code quorum} reach no client, no
 * operator framework and none of the operator's I/O packages.
 */
@AnalyzeClasses(
    packages = "io.quorumkeeper.operator",
    importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  private static final String[] IO_PACKAGES = {
    "io.fabric8.kubernetes.client..",
    "io.javaoperatorsdk..",
    "io.quarkiverse..",
    "io.quarkus..",
    "org.apache.kafka..",
    "io.quorumkeeper.operator.observe..",
    "io.quorumkeeper.operator.reconcile..",
    "io.quorumkeeper.operator.event..",
    "io.quorumkeeper.operator.config..",
    "java.net.http..",
    "io.netty.."
  };

  @ArchTest
  static final ArchRule modelIsPure =
      noClasses()
          .that()
          .resideInAPackage("io.quorumkeeper.operator.model..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(IO_PACKAGES)
          .because("model/ renders desired state as a pure function of the resource");

  @ArchTest
  static final ArchRule quorumIsPure =
      noClasses()
          .that()
          .resideInAPackage("io.quorumkeeper.operator.quorum..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(IO_PACKAGES)
          .allowEmptyShould(true)
          .because("quorum/ decides from a snapshot, with no Kubernetes or Kafka in reach");

  @ArchTest
  static final ArchRule apiIsOnlyTheResource =
      noClasses()
          .that()
          .resideInAPackage("io.quorumkeeper.operator.api..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.quorumkeeper.operator.model..",
              "io.quorumkeeper.operator.reconcile..",
              "io.javaoperatorsdk..")
          .because("api/ holds the CRD classes only");
}
