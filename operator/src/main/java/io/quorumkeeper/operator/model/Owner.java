package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import java.util.Map;

/** Metadata of an object the cluster owns: name, labels and the controlling owner reference. */
final class Owner {

  private Owner() {}

  static ObjectMeta meta(QuorumCluster cr, String name, Map<String, String> labels) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(cr.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(reference(cr))
        .build();
  }

  static OwnerReference reference(QuorumCluster cr) {
    return new OwnerReferenceBuilder()
        .withApiVersion(cr.getApiVersion())
        .withKind(cr.getKind())
        .withName(cr.getMetadata().getName())
        .withUid(cr.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }
}
