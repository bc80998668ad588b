{{/* common labels */}}
{{- define "fleetplan.labels" -}}
app.kubernetes.io/part-of: fleetplan
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
{{- define "fleetplan.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}

{{/* Pod Security "restricted": pod and container security contexts, and a writable /tmp (read-only root) */}}
{{- define "fleetplan.podSecurity" -}}
securityContext: {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end -}}
{{- define "fleetplan.containerSecurity" -}}
securityContext: {{- toYaml .Values.containerSecurityContext | nindent 2 }}
{{- end -}}

{{/*
A generated token that survives upgrades: the existing Secret's value when there is one (lookup; empty under
`helm template`), else a new random one. Called with (list $ secretName).
*/}}
{{- define "fleetplan.token" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- if not (hasKey $root.Values "generatedTokens") -}}
{{- $_ := set $root.Values "generatedTokens" dict -}}
{{- end -}}
{{- if not (hasKey $root.Values.generatedTokens $name) -}}
{{- $existing := lookup "v1" "Secret" $root.Release.Namespace $name -}}
{{- if and $existing (index $existing.data "token") -}}
{{- $_ := set $root.Values.generatedTokens $name (index $existing.data "token" | b64dec) -}}
{{- else -}}
{{- $_ := set $root.Values.generatedTokens $name (randAlphaNum 48) -}}
{{- end -}}
{{- end -}}
{{- index $root.Values.generatedTokens $name -}}
{{- end -}}

{{- define "fleetplan.poolTokenSecret" -}}
{{- .Values.auth.poolTokenSecret | default "fleetplan-pool-token" -}}
{{- end -}}
