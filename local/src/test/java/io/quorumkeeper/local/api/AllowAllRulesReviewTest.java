package io.quorumkeeper.local.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewSpecBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the operator's leader election needs from the embedded API before and while it leads. */
class AllowAllRulesReviewTest {

  ApiServer api;

  @BeforeEach
  void start() {
    api = ApiServer.start(0, Path.of("../crds/quorumclusters.quorumkeeper.io-v1.yml"));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenARulesReview_thenEverythingIsAllowedAsOnAnApiWithoutAuthorization() {
    SelfSubjectRulesReview review = new SelfSubjectRulesReview();
    review.setSpec(new SelfSubjectRulesReviewSpecBuilder().withNamespace("default").build());

    SelfSubjectRulesReview answer = api.client().resource(review).create();

    assertThat(answer.getStatus().getResourceRules())
        .extracting(ResourceRule::getVerbs, ResourceRule::getResources, ResourceRule::getApiGroups)
        .containsExactly(tuple(List.of("*"), List.of("*"), List.of("*")));
  }

  @Test
  void givenALease_thenItIsStoredAndAStaleRenewalIsRefused() {
    Lease created =
        api.client()
            .resource(
                new LeaseBuilder()
                    .withNewMetadata()
                    .withName("quorum-keeper-operator")
                    .withNamespace("default")
                    .endMetadata()
                    .withNewSpec()
                    .withHolderIdentity("local-operator")
                    .endSpec()
                    .build())
            .create();
    api.client()
        .resource(created)
        .edit(
            l -> {
              l.getSpec().setLeaseTransitions(1);
              return l;
            });

    created.getSpec().setHolderIdentity("someone-else");

    assertThatThrownBy(() -> api.client().resource(created).update()).hasMessageContaining("409");
  }
}
