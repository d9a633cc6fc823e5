package io.quorumkeeper.operator.model;

import static io.quorumkeeper.operator.model.KubernetesNames.shown;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.quorumkeeper.operator.api.v1alpha1.spec.ImagePullSecret;
import io.quorumkeeper.operator.api.v1alpha1.spec.PodTemplate;
import io.quorumkeeper.operator.api.v1alpha1.spec.PoolSpec;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The parts of a spec that end up in pod and volume specs: quantities, storage classes, labels,
 * annotations and tolerations. The API server would refuse a StatefulSet carrying a bad one, on
 * every pass; the operator refuses the spec instead, naming the field.
 */
final class PodRules {

  /** Kubernetes limits all annotations of an object to 256 KiB together. */
  static final int MAX_ANNOTATION_BYTES = 256 * 1024;

  private static final Set<String> TOLERATION_OPERATORS = Set.of("Exists", "Equal");
  private static final Set<String> TAINT_EFFECTS =
      Set.of("NoSchedule", "PreferNoSchedule", "NoExecute");

  private static final BigDecimal INT64_LIMIT = BigDecimal.valueOf(2).pow(63);

  private PodRules() {}

  static void checkPool(String field, PoolSpec pool, List<String> errors) {
    checkReplicas(field, pool, errors);
    if (pool.getStorage() == null) {
      errors.add(field + ".storage must not be null");
    } else {
      String size = pool.getStorage().getSize();
      Optional<BigDecimal> bytes = amount(size);
      if (bytes.isEmpty() || bytes.get().signum() <= 0) {
        errors.add(
            field + ".storage.size " + shown(size) + " is not a positive quantity like 10Gi");
      }
      String storageClass = pool.getStorage().getStorageClassName();
      if (storageClass != null && !KubernetesNames.isDns1123Subdomain(storageClass)) {
        errors.add(
            field + ".storage.storageClassName " + shown(storageClass) + " is not a valid name");
      }
    }
    checkResources(field + ".resources", pool.getResources(), errors);
  }

  static void checkReplicas(String field, PoolSpec pool, List<String> errors) {
    if (pool.getReplicas() < 1 || pool.getReplicas() > Pool.MAX_REPLICAS) {
      errors.add(
          field
              + ".replicas must be between 1 and "
              + Pool.MAX_REPLICAS
              + ", not "
              + pool.getReplicas());
    }
  }

  private static void checkResources(
      String field, ResourceRequirements resources, List<String> errors) {
    if (resources == null) {
      return;
    }
    Map<String, BigDecimal> requests =
        amounts(field + ".requests", resources.getRequests(), errors);
    Map<String, BigDecimal> limits = amounts(field + ".limits", resources.getLimits(), errors);
    requests.forEach(
        (name, request) -> {
          BigDecimal limit = limits.get(name);
          if (limit != null && request.compareTo(limit) > 0) {
            errors.add(
                field
                    + ": the "
                    + name
                    + " request "
                    + resources.getRequests().get(name)
                    + " exceeds its limit "
                    + resources.getLimits().get(name));
          }
        });
  }

  private static Map<String, BigDecimal> amounts(
      String field, Map<String, Quantity> quantities, List<String> errors) {
    Map<String, BigDecimal> amounts = new TreeMap<>();
    if (quantities == null) {
      return amounts;
    }
    new TreeMap<>(quantities)
        .forEach(
            (name, quantity) -> {
              Optional<BigDecimal> amount =
                  Optional.ofNullable(quantity).flatMap(q -> amount(q.toString()));
              if (!KubernetesNames.isQualifiedKey(name)) {
                errors.add(field + " names " + shown(name) + ", which is not a resource name");
              } else if (amount.isEmpty() || amount.get().signum() < 0) {
                errors.add(
                    field
                        + "."
                        + name
                        + " "
                        + shown(quantity == null ? null : quantity.toString())
                        + " is not a quantity like 2Gi or 500m");
              } else {
                amounts.put(name, amount.get());
              }
            });
    return amounts;
  }

  /** The value of a Kubernetes quantity, if the text is one. */
  static Optional<BigDecimal> amount(String text) {
    if (text == null || text.isBlank() || text.length() > 64) {
      return Optional.empty();
    }
    try {
      BigDecimal amount = new Quantity(text).getNumericalAmount();
      // Kubernetes keeps quantities in 64 bits; beyond that no node has it anyway.
      return amount.abs().compareTo(INT64_LIMIT) >= 0 ? Optional.empty() : Optional.of(amount);
    } catch (RuntimeException notAQuantity) {
      return Optional.empty();
    }
  }

  static void checkTemplate(PodTemplate template, Set<String> ownLabels, List<String> errors) {
    if (template == null) {
      return;
    }
    if (template.getLabels() != null) {
      new TreeMap<>(template.getLabels())
          .forEach(
              (key, value) -> {
                if (!KubernetesNames.isQualifiedKey(key)) {
                  errors.add("template.labels key " + shown(key) + " is not a valid label key");
                } else if (ownLabels.contains(key)) {
                  errors.add(
                      "template.labels sets "
                          + key
                          + ", which the operator sets itself to select the cluster's pods");
                } else if (!KubernetesNames.isLabelValue(value)) {
                  errors.add(
                      "template.labels."
                          + key
                          + " value "
                          + shown(value)
                          + " is not a valid label value (at most 63 letters, digits, '-', '_'"
                          + " or '.')");
                }
              });
    }
    checkAnnotations(template.getAnnotations(), errors);
    checkTolerations(template.getTolerations(), errors);
    checkPullSecrets(template.getImagePullSecrets(), errors);
  }

  private static void checkPullSecrets(List<ImagePullSecret> secrets, List<String> errors) {
    if (secrets == null) {
      return;
    }
    if (secrets.size() > PodTemplate.MAX_IMAGE_PULL_SECRETS) {
      errors.add(
          "template.imagePullSecrets names "
              + secrets.size()
              + " Secrets; at most "
              + PodTemplate.MAX_IMAGE_PULL_SECRETS);
      return;
    }
    for (int i = 0; i < secrets.size(); i++) {
      ImagePullSecret secret = secrets.get(i);
      String name = secret == null ? null : secret.getName();
      if (!KubernetesNames.isDns1123Subdomain(name)) {
        errors.add(
            "template.imagePullSecrets["
                + i
                + "].name "
                + shown(name)
                + " is not a Secret name (a DNS-1123 subdomain)");
      }
    }
  }

  private static long utf8Bytes(String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }

  private static void checkAnnotations(Map<String, String> annotations, List<String> errors) {
    if (annotations == null) {
      return;
    }
    long bytes = 0; // as the API server counts them: UTF-8 bytes, not Java's chars
    for (Map.Entry<String, String> e : new TreeMap<>(annotations).entrySet()) {
      if (!KubernetesNames.isQualifiedKey(e.getKey())) {
        errors.add(
            "template.annotations key " + shown(e.getKey()) + " is not a valid annotation key");
      }
      bytes += utf8Bytes(e.getKey()) + utf8Bytes(e.getValue());
    }
    if (bytes > MAX_ANNOTATION_BYTES) {
      errors.add("template.annotations take " + bytes + " bytes; Kubernetes allows 262144");
    }
  }

  private static void checkTolerations(List<Toleration> tolerations, List<String> errors) {
    if (tolerations == null) {
      return;
    }
    for (int i = 0; i < tolerations.size(); i++) {
      Toleration t = tolerations.get(i);
      String field = "template.tolerations[" + i + "]";
      if (t == null) {
        errors.add(field + " is null");
        continue;
      }
      if (t.getOperator() != null && !TOLERATION_OPERATORS.contains(t.getOperator())) {
        errors.add(field + ".operator must be Exists or Equal, not " + shown(t.getOperator()));
      }
      if (t.getEffect() != null
          && !t.getEffect().isEmpty()
          && !TAINT_EFFECTS.contains(t.getEffect())) {
        errors.add(
            field
                + ".effect must be NoSchedule, PreferNoSchedule or NoExecute, not "
                + shown(t.getEffect()));
      }
      if (t.getKey() != null
          && !t.getKey().isEmpty()
          && !KubernetesNames.isQualifiedKey(t.getKey())) {
        errors.add(field + ".key " + shown(t.getKey()) + " is not a valid label key");
      }
      // the API server's own rules for a pod's tolerations
      if ("Exists".equals(t.getOperator()) && t.getValue() != null && !t.getValue().isEmpty()) {
        errors.add(field + ".value must be empty when operator is Exists");
      }
      if ((t.getKey() == null || t.getKey().isEmpty()) && !"Exists".equals(t.getOperator())) {
        errors.add(field + ".operator must be Exists when key is empty");
      }
      if (t.getTolerationSeconds() != null && !"NoExecute".equals(t.getEffect())) {
        errors.add(field + ".tolerationSeconds needs effect NoExecute");
      }
    }
  }
}
