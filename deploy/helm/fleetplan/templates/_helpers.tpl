{{/* common labels */}}
{{- define "fleetplan.labels" -}}
app.kubernetes.io/part-of: fleetplan
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
{{- define "fleetplan.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}
