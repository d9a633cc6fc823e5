package io.quorumkeeper.local.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quorumkeeper.local.LocalRuntimeException;
import io.quorumkeeper.local.kube.RuntimeLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the embedded API's objects in the runtime folder, so a second start resumes the same
 * cluster. The mock API assigns new uids on create, so owner references are re-pointed to the new
 * uids while loading, owners first. Pods, Nodes and Events are not kept: the stand-in controllers
 * re-create pods from their StatefulSets, and volumes (the data) live in the folder anyway.
 */
public final class StateStore {

  private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
  private static final List<String> KINDS =
      List.of(
          "ConfigMap",
          "Secret",
          "Service",
          "StatefulSet",
          "PodDisruptionBudget",
          "NetworkPolicy",
          "PersistentVolumeClaim");

  private final Path file;
  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private String lastSaved = "";

  public StateStore(Path file) {
    this.file = file;
  }

  /** Writes every kept object to the file (atomically); does nothing when nothing changed. */
  public synchronized void save(KubernetesClient client) {
    List<HasMetadata> objects = new ArrayList<>(QuorumClusters.all(client));
    objects.addAll(client.configMaps().inAnyNamespace().list().getItems());
    objects.addAll(client.secrets().inAnyNamespace().list().getItems());
    objects.addAll(client.services().inAnyNamespace().list().getItems());
    objects.addAll(client.apps().statefulSets().inAnyNamespace().list().getItems());
    objects.addAll(client.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems());
    objects.addAll(client.network().v1().networkPolicies().inAnyNamespace().list().getItems());
    objects.addAll(client.persistentVolumeClaims().inAnyNamespace().list().getItems());
    String json = serialization.asJson(objects);
    if (json.equals(lastSaved)) {
      return;
    }
    try {
      RuntimeLayout.writeWhole(file, json);
      lastSaved = json;
    } catch (IOException e) {
      LOG.warn("could not save the API state to {}: {}", file, e.getMessage());
    }
  }

  /** Loads the file into an empty API; returns how many objects were restored. */
  public int load(KubernetesClient client) {
    if (!Files.exists(file)) {
      return 0;
    }
    List<GenericKubernetesResource> saved;
    try {
      saved =
          List.of(
              serialization.unmarshal(Files.readString(file), GenericKubernetesResource[].class));
    } catch (IOException | RuntimeException e) {
      throw new LocalRuntimeException(
          "cannot read the saved API state "
              + file
              + " ("
              + e.getMessage()
              + "); move it away to start afresh");
    }
    Map<String, String> uids = new HashMap<>();
    List<GenericKubernetesResource> pending = new ArrayList<>(saved);
    int restored = 0;
    boolean progress = true;
    while (!pending.isEmpty() && progress) {
      progress = false;
      for (GenericKubernetesResource object : List.copyOf(pending)) {
        List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
        boolean ownersLoaded = owners.stream().allMatch(o -> uids.containsKey(o.getUid()));
        if (!ownersLoaded) {
          continue;
        }
        pending.remove(object);
        progress = true;
        String oldUid = object.getMetadata().getUid();
        HasMetadata created = create(client, object, uids);
        if (created != null) {
          uids.put(oldUid, created.getMetadata().getUid());
          restored++;
        }
      }
    }
    pending.forEach(
        o ->
            LOG.info(
                "not restoring {} {}: its owner is gone", o.getKind(), o.getMetadata().getName()));
    return restored;
  }

  private HasMetadata create(
      KubernetesClient client, GenericKubernetesResource object, Map<String, String> uids) {
    object.getMetadata().setUid(null);
    object.getMetadata().setResourceVersion(null);
    object.getMetadata().setCreationTimestamp(null);
    object.getMetadata().setManagedFields(null);
    object.getMetadata().getOwnerReferences().forEach(o -> o.setUid(uids.get(o.getUid())));
    try {
      if (QuorumClusters.KIND.equals(object.getKind())) {
        Object status = object.getAdditionalProperties().remove("status");
        GenericKubernetesResource created =
            QuorumClusters.of(client)
                .inNamespace(object.getMetadata().getNamespace())
                .resource(object)
                .create();
        if (status != null) {
          created.getAdditionalProperties().put("status", status);
          created =
              QuorumClusters.of(client)
                  .inNamespace(created.getMetadata().getNamespace())
                  .resource(created)
                  .updateStatus();
        }
        return created;
      }
      if (!KINDS.contains(object.getKind())) {
        return null;
      }
      if ("StatefulSet".equals(object.getKind())) {
        object.getAdditionalProperties().remove("status"); // the stand-in controller recomputes it
      }
      HasMetadata typed = serialization.unmarshal(serialization.asJson(object));
      return client.resource(typed).create();
    } catch (KubernetesClientException | IllegalArgumentException e) {
      LOG.warn(
          "could not restore {} {}: {}",
          object.getKind(),
          object.getMetadata().getName(),
          Objects.toString(e.getMessage()));
      return null;
    }
  }
}
