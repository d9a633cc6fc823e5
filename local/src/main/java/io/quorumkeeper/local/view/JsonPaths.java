package io.quorumkeeper.local.view;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSONPath subset printer columns use: {@code .a.b.c} and a filter {@code .a[?(@.k=="v")].f},
 * evaluated on a resource's JSON tree.
 */
final class JsonPaths {

  private static final Pattern FILTER =
      Pattern.compile("(\\w+)\\[\\?\\(@\\.(\\w+)==\"([^\"]*)\"\\)\\]");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private JsonPaths() {}

  @SuppressWarnings("unchecked")
  static Object read(GenericKubernetesResource resource, String path) {
    Object node = SERIALIZATION.convertValue(resource, Map.class);
    for (String step : path.replaceFirst("^\\.", "").split("\\.(?![^\\[]*\\])")) {
      if (node == null) {
        return null;
      }
      Matcher f = FILTER.matcher(step);
      if (f.matches()) {
        Object list = node instanceof Map<?, ?> m ? m.get(f.group(1)) : null;
        node = null;
        if (list instanceof List<?> items) {
          for (Object item : items) {
            if (item instanceof Map<?, ?> m
                && f.group(3).equals(String.valueOf(m.get(f.group(2))))) {
              node = item;
              break;
            }
          }
        }
      } else {
        node = node instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(step) : null;
      }
    }
    return node;
  }
}
