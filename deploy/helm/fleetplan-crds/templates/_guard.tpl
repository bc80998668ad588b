{{/*
Refuses to replace CRDs that another installer (the Dynamo operator's chart or kubectl) owns: they carry the same
names, and replacing the operator's schema would break the operator. `helm template` has no cluster: no check.
*/}}
{{- define "fleetplan-crds.guard" -}}
{{- range $name := list "dynamographdeployments.nvidia.com" "dynamographdeploymentscalingadapters.nvidia.com" }}
{{- $crd := lookup "apiextensions.k8s.io/v1" "CustomResourceDefinition" "" $name }}
{{- if and $crd (not $.Values.takeOver) }}
{{- $owner := dig "metadata" "annotations" "meta.helm.sh/release-name" "" $crd }}
{{- if ne $owner $.Release.Name }}
{{- fail (printf "CRD %s already exists and is not managed by release %s (the Dynamo operator's?): fleetplan-crds is only for clusters without the operator; skip it, or set takeOver=true to replace it" $name $.Release.Name) }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}
