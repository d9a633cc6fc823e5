package io.quorumkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.function.Supplier;

/**
 * Fabric8's CRUD mock API, answering a SelfSubjectRulesReview with the rules given, as an API
 * server with RBAC would. JOSDK asks for one before it campaigns for the Lease (and fails without
 * lease rights); the plain CRUD mock refuses it (422: a review has no metadata).
 */
public final class RulesReviewingDispatcher extends KubernetesCrudDispatcher {

  private static final String REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

  private final Supplier<List<PolicyRule>> rules;

  public RulesReviewingDispatcher(Supplier<List<PolicyRule>> rules) {
    this.rules = rules;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (!"POST".equals(request.getMethod()) || !request.getPath().startsWith(REVIEWS)) {
      return super.dispatch(request);
    }
    SelfSubjectRulesReview review =
        Serialization.unmarshal(request.getUtf8Body(), SelfSubjectRulesReview.class);
    review.setStatus(
        new SubjectRulesReviewStatusBuilder()
            .withIncomplete(false)
            .withResourceRules(
                rules.get().stream()
                    .map(
                        r ->
                            new ResourceRuleBuilder()
                                .withApiGroups(r.getApiGroups())
                                .withResources(r.getResources())
                                .withResourceNames(r.getResourceNames())
                                .withVerbs(r.getVerbs())
                                .build())
                    .toList())
            .build());
    return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(review));
  }
}
