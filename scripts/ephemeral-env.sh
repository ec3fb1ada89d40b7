#!/usr/bin/env bash
# The ephemeral environment: a throw-away kind cluster running k8s/ with freshly generated secrets, checked over HTTP
# and in a real browser through a port-forward, then deleted. .github/workflows/ephemeral.yml runs these steps; each
# one also runs by hand (needs docker, kind, kubectl, curl, a JDK; the browser check needs chromium + chromedriver).
#
#   scripts/ephemeral-env.sh up        build the image, create the cluster, install k8s/, wait for the rollout
#   scripts/ephemeral-env.sh check     port-forward, HTTP checks with curl, DocsBrowserIT against the forwarded port
#   scripts/ephemeral-env.sh down      delete the cluster and the generated secrets
#   scripts/ephemeral-env.sh all       up, check, down (down also when a step fails)
#
# NOT RUN YET: written and syntax-checked on a machine without a container engine; the first real run is the
# GitHub workflow's.
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER="${TWISTERLAB_KIND_CLUSTER:-twisterlab-e2e}"
IMAGE="twisterlab:e2e"
NAMESPACE="twisterlab"
DEPLOYMENT="twisterlab-api"
PORT="${TWISTERLAB_E2E_LOCAL_PORT:-18000}"
WORK="${TWISTERLAB_E2E_WORK:-target/ephemeral}"   # secrets, keys, overlay, logs; deleted by "down"

sha256_hex() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

up() {
  mkdir -p "$WORK"
  docker build -t "$IMAGE" .
  kind create cluster --name "$CLUSTER" --wait 120s
  kind load docker-image "$IMAGE" --name "$CLUSTER"

  # fresh secrets (admin key) plus a viewer key for the checks; the keys stay in $WORK, only hashes reach the cluster
  rm -f k8s/secrets.env
  k8s/generate-secrets.sh 2> "$WORK/generate-secrets.log"
  viewer="tlk_$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
  operator="tlk_$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
  sed -i "s/^TWISTERLAB_API_KEYS=\(.*\)$/TWISTERLAB_API_KEYS=\1,viewer:viewer:$(sha256_hex "$viewer"),operator:operator:$(sha256_hex "$operator")/" \
    k8s/secrets.env
  (umask 077; printf '%s\n' "$viewer" > "$WORK/viewer.key"; printf '%s\n' "$operator" > "$WORK/operator.key")

  # k8s/ as it is, with the image just built (an overlay, so nothing under k8s/ is edited)
  mkdir -p k8s/.ephemeral
  cat > k8s/.ephemeral/kustomization.yaml <<EOT
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ..
images:
  - name: ghcr.io/twisterlab/twisterlab
    newName: twisterlab
    newTag: e2e
EOT
  kubectl apply -k k8s/.ephemeral
  kubectl -n "$NAMESPACE" rollout status "deployment/$DEPLOYMENT" --timeout=5m
  kubectl -n "$NAMESPACE" rollout status deployment/twisterlab-redis --timeout=5m
}

check() {
  local viewer operator base pf status
  viewer="$(cat "$WORK/viewer.key")"
  operator="$(cat "$WORK/operator.key")"
  base="http://127.0.0.1:$PORT"
  kubectl -n "$NAMESPACE" port-forward "deployment/$DEPLOYMENT" "$PORT:8000" > "$WORK/port-forward.log" 2>&1 &
  pf=$!
  trap 'kill "$pf" 2>/dev/null || true' RETURN
  for _ in $(seq 1 60); do
    curl -fsS "$base/health" > /dev/null 2>&1 && break
    sleep 1
  done

  expect() { # $1 = status, then curl arguments
    local want="$1"; shift
    status="$(curl -sS -o "$WORK/last-body" -w '%{http_code}' "$@")"
    if [ "$status" != "$want" ]; then
      echo "FAIL: $* answered $status, expected $want: $(cat "$WORK/last-body")" >&2
      return 1
    fi
    echo "ok   $want $*"
  }
  expect 200 "$base/health"
  expect 200 "$base/ready"
  expect 200 "$base/docs"
  expect 200 "$base/api/v1/openapi.json"
  expect 401 "$base/api/v1/agents"
  expect 200 -H "X-API-Key: $viewer" "$base/api/v1/agents"
  expect 200 -X POST -H "X-API-Key: $viewer" -H 'Content-Type: application/json' -d '{}' \
    "$base/api/v1/agents/monitoring/capabilities/get_jvm_metrics"
  expect 403 -X POST -H "X-API-Key: $viewer" -H 'Content-Type: application/json' -d '{"key":"e2e"}' \
    "$base/api/v1/agents/cache/capabilities/cache_delete"
  expect 200 -X POST -H "X-API-Key: $operator" -H 'Content-Type: application/json' -d '{"key":"e2e","value":"v"}' \
    "$base/api/v1/agents/cache/capabilities/cache_set"
  expect 200 -X POST -H "X-API-Key: $operator" -H 'Content-Type: application/json' -d '{"key":"e2e"}' \
    "$base/api/v1/agents/cache/capabilities/cache_get"

  # the real-browser test, against the cluster instead of a jar it starts
  TWISTERLAB_E2E_BASE_URL="$base" TWISTERLAB_E2E_VIEWER_KEY="$viewer" ./mvnw -B -ntp verify \
    -pl twisterlab-e2e-tests -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=DocsBrowserIT
}

down() {
  kubectl -n "$NAMESPACE" get pods -o wide > "$WORK/pods.txt" 2>&1 || true
  kubectl -n "$NAMESPACE" logs "deployment/$DEPLOYMENT" --all-containers --tail=500 > "$WORK/api.log" 2>&1 || true
  kind delete cluster --name "$CLUSTER" || true
  rm -rf k8s/.ephemeral k8s/secrets.env "$WORK/viewer.key" "$WORK/operator.key"
}

case "${1:-}" in
  up) up ;;
  check) check ;;
  down) down ;;
  all) trap down EXIT; up; check ;;
  *) echo "usage: $0 up|check|down|all" >&2; exit 2 ;;
esac
