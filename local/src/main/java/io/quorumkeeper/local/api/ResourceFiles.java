package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quorumkeeper.crds.CelSchemaValidator;
import io.quorumkeeper.crds.Invalid;
import io.quorumkeeper.crds.Violation;
import io.quorumkeeper.local.InputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the QuorumCluster files a user applies and checks them as the API server would check their
 * creation (the CRD's defaults, OpenAPI schema and CEL rules, with the embedded API's validator),
 * so that a bad file is refused before anything starts. Every problem is one line naming the file.
 * Rules about changes (topology is immutable) need the stored object: the embedded API checks them.
 */
public final class ResourceFiles {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final CelSchemaValidator validator;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  public ResourceFiles(CelSchemaValidator validator) {
    this.validator = validator;
  }

  public static ResourceFiles forCrd(Path crdFile) {
    try {
      return new ResourceFiles(CelSchemaValidator.forCrd(crdFile));
    } catch (UncheckedIOException e) {
      throw new InputException("cannot read the CRD " + crdFile + ": " + e.getMessage());
    }
  }

  /** Every QuorumCluster document in {@code file}, validated; namespace defaults to "default". */
  public List<GenericKubernetesResource> read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InputException(file + ": no such file");
    } catch (IOException e) {
      throw new InputException(file + ": cannot read: " + e.getMessage());
    }
    return parse(file.toString(), text);
  }

  public List<GenericKubernetesResource> parse(String source, String text) {
    List<GenericKubernetesResource> resources = new ArrayList<>();
    try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(text)) {
      for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        resources.add(validated(source, doc));
      }
    } catch (IOException e) {
      throw new InputException(source + ": not valid YAML: " + firstLine(e.getMessage()));
    }
    if (resources.isEmpty()) {
      throw new InputException(source + ": no QuorumCluster in the file");
    }
    return resources;
  }

  private GenericKubernetesResource validated(String source, JsonNode doc) {
    if (!doc.isObject()) {
      throw new InputException(source + ": a document is not a YAML mapping");
    }
    if (!QuorumClusters.KIND.equals(doc.path("kind").asText())
        || !QuorumClusters.API_VERSION.equals(doc.path("apiVersion").asText())) {
      throw new InputException(
          source
              + ": expected apiVersion "
              + QuorumClusters.API_VERSION
              + " and kind "
              + QuorumClusters.KIND
              + ", found "
              + doc.path("apiVersion").asText("<none>")
              + " "
              + doc.path("kind").asText("<none>"));
    }
    String name = doc.path("metadata").path("name").asText("");
    if (!name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || name.length() > 40) {
      throw new InputException(
          source
              + ": metadata.name must be a DNS label of at most 40 characters, found '"
              + name
              + "'");
    }
    ObjectNode checked = doc.deepCopy();
    checked.remove("status");
    List<Violation> violations = new ArrayList<>();
    if (!checked.has("spec")) {
      violations.add(new Violation("spec", "required", "", Violation.Type.REQUIRED, null));
    }
    violations.addAll(validator.validate(checked, null));
    if (!violations.isEmpty()) {
      Invalid invalid = new Invalid(QuorumClusters.KIND, QuorumClusters.GROUP, name, violations);
      throw new InputException(source + ": " + invalid.message());
    }
    GenericKubernetesResource resource =
        serialization.convertValue(checked, GenericKubernetesResource.class);
    if (resource.getMetadata().getNamespace() == null) {
      resource.getMetadata().setNamespace("default");
    }
    return resource;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    String line = message.lines().findFirst().orElse(message).trim();
    String location =
        message.lines().filter(l -> l.contains("line:")).findFirst().map(String::trim).orElse("");
    return location.isEmpty() ? line : line + " (" + location + ")";
  }
}
