package io.quorumkeeper.local.api;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * The embedded API's dispatcher: Fabric8's CRUD mock, which also answers a SelfSubjectRulesReview
 * truthfully for an API without authorization: everything is allowed. The operator's leader
 * election (JOSDK) asks for one before it campaigns for its Lease; the plain mock refuses it (422:
 * a review has no metadata), and the operator would not start.
 */
class AllowAllRulesReview extends KubernetesCrudDispatcher {

  private static final String REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

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
            .addToResourceRules(
                new ResourceRuleBuilder()
                    .withApiGroups("*")
                    .withResources("*")
                    .withVerbs("*")
                    .build())
            .build());
    return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(review));
  }
}
