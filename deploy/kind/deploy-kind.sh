#!/usr/bin/env bash
# Deploys fleetplan on a local kind cluster: builds the image with Jib (no Docker daemon needed for the build),
# creates the cluster, side-loads the image, installs the Dynamo-compatible CRDs (fleetplan-crds chart) and installs the Helm chart.
#   deploy/kind/deploy-kind.sh            # then: curl http://127.0.0.1:8000/v1/models
#   DELETE=1 deploy/kind/deploy-kind.sh   # removes the cluster
# Needs: docker (for kind itself), kind, kubectl, helm. Environment: CLUSTER (default fleetplan), NS (fleetplan).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cluster=${CLUSTER:-fleetplan}
ns=${NS:-fleetplan}
image_tar="$root/cli/target/jib-image.tar"

for tool in docker kind kubectl helm; do
  command -v "$tool" >/dev/null || { echo "deploy-kind: '$tool' is not on PATH (needs: docker, kind, kubectl, helm)" >&2; exit 2; }
done

if [ "${DELETE:-}" = "1" ]; then
  kind delete cluster --name "$cluster"
  exit 0
fi

echo "== building the fleetplan image tar with Jib ($image_tar)"
(cd "$root" && ./mvnw -B -q -DskipTests -pl cli -am -Pjib package)

if ! kind get clusters | grep -qx "$cluster"; then
  echo "== creating kind cluster $cluster"
  kind create cluster --name "$cluster" --config "$root/deploy/kind/kind-config.yaml" --wait 120s
fi
kubectl config use-context "kind-$cluster" >/dev/null

echo "== loading the image into the cluster"
kind load image-archive "$image_tar" --name "$cluster"

echo "== CRDs (DGD, DGDSA; kind has no Dynamo operator) and namespace"
kubectl get namespace "$ns" >/dev/null 2>&1 || kubectl create namespace "$ns"
helm upgrade --install fleetplan-crds "$root/deploy/helm/fleetplan-crds" --namespace "$ns"

echo "== helm install fleetplan"
helm upgrade --install fleetplan "$root/deploy/helm/fleetplan" --namespace "$ns" \
  --set frontend.service.type=NodePort --set frontend.service.nodePort=30800 "$@"

kubectl -n "$ns" rollout status deployment/fleetplan-frontend --timeout=180s
kubectl -n "$ns" get deployments,pods
cat <<MSG
fleetplan is up on kind:
  endpoint   http://127.0.0.1:8000/v1   (curl http://127.0.0.1:8000/v1/models)
  load       ./fleetplan load --trace ../shared/traces/mooncake_conversation_trace.jsonl --url http://127.0.0.1:8000 --rate-scale 0.2
  watch      kubectl -n $ns get deployments -w     (worker Deployments scale as the GlobalPlanner grants)
  dashboard  import deploy/grafana/fleetplan-dashboard.json into Grafana
MSG
