{{/*
Labels of every object. app.kubernetes.io/name: quorum-keeper is the one the kustomize install
gives; pods carry only it, because the NetworkPolicy of every QuorumCluster admits the operator's
pods by it (docs/installation.md) and a Deployment's selector cannot change.
*/}}
{{- define "quorum-keeper.labels" -}}
app.kubernetes.io/name: quorum-keeper
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | quote }}
{{- end }}

{{/* The ServiceAccount the operator runs as, as a subject of every binding. */}}
{{- define "quorum-keeper.subject" -}}
- kind: ServiceAccount
  name: quorum-keeper
  namespace: {{ .Release.Namespace | quote }}
{{- end }}

{{/*
What the operator does in a namespace with QuorumClusters, but Events (last in both roles, as in
deploy/rbac.yaml and deploy/namespaced/role/role.yaml). RbacApiTest checks those files in both
directions; HelmChartTest checks that these rules are theirs.
*/}}
{{- define "quorum-keeper.namespacedRules" -}}
- apiGroups: [quorumkeeper.io]
  resources: [quorumclusters]
  verbs: [list, watch]
- apiGroups: [quorumkeeper.io]
  resources: [quorumclusters/status]
  verbs: [update]
- apiGroups: [""]
  resources: [configmaps, services, secrets]
  verbs: [get, list, watch, create, update]
- apiGroups: [""]
  resources: [configmaps]
  verbs: [delete]   # a pool's ConfigMap of an older config once no pod mounts it
- apiGroups: [apps]
  resources: [statefulsets]
  verbs: [get, list, watch, create, update]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [get, list, watch, create, update]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch, create, update]
- apiGroups: [""]
  resources: [pods]
  verbs: [list, watch, delete]   # delete: a stranded voter's pod; a roll's pod of a pool of one
- apiGroups: [""]
  resources: [pods/eviction]
  verbs: [create]   # each pod of a roll, so the pool's PodDisruptionBudget orders it
{{- end }}

{{- define "quorum-keeper.nodesRule" -}}
- apiGroups: [""]
  resources: [nodes]
  verbs: [list, watch]   # a controller pod's node: Ready (stranded pods) and zone (spare choice)
{{- end }}

{{- define "quorum-keeper.eventsRule" -}}
- apiGroups: [""]
  resources: [events]
  verbs: [create]
- apiGroups: [cert-manager.io]
  resources: [certificates]
  verbs: [get, create, update]   # a cluster's CA from a cert-manager issuer; no list/watch
{{- end }}
