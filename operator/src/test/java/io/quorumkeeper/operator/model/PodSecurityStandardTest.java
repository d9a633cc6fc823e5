package io.quorumkeeper.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.testing.RestrictedProfile;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rendered pod meets the Pod Security Standards' "restricted" profile (which includes
 * "baseline"), checked field by field as
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/ defines them, plus the
 * read-only root filesystem this project adds.
 */
class PodSecurityStandardTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"combined", "separated", "combined-spare", "combined-tls", "separated-tls"})
  void givenExample_whenRendered_thenEveryPodMeetsTheRestrictedProfile(String example) {
    boolean tls = example.endsWith("-tls");
    QuorumCluster cr = Examples.load(example.replace("-tls", "") + ".yaml");

    List<StatefulSet> statefulSets =
        ClusterModel.from(
                cr,
                tls ? Examples.tlsIdentity(cr) : Examples.identity(cr),
                Examples.SETTINGS,
                0,
                tls ? Examples.CERTIFICATES : null)
            .statefulSets();

    assertThat(statefulSets).isNotEmpty();
    SoftAssertions softly = new SoftAssertions();
    for (StatefulSet sts : statefulSets) {
      RestrictedProfile.check(
          softly, sts.getMetadata().getName(), sts.getSpec().getTemplate().getSpec());
      checkMountsAreDeclared(softly, sts);
    }
    softly.assertAll();
  }

  /** Every mount names a volume of the pod or a claim template (which the profile allows). */
  private static void checkMountsAreDeclared(SoftAssertions softly, StatefulSet sts) {
    Set<String> declared =
        Stream.concat(
                sts.getSpec().getTemplate().getSpec().getVolumes().stream().map(Volume::getName),
                sts.getSpec().getVolumeClaimTemplates().stream()
                    .map(c -> c.getMetadata().getName()))
            .collect(Collectors.toSet());
    for (Container container : sts.getSpec().getTemplate().getSpec().getContainers()) {
      softly
          .assertThat(container.getVolumeMounts().stream().map(VolumeMount::getName))
          .as(sts.getMetadata().getName() + " mounts")
          .allMatch(declared::contains);
    }
  }
}
