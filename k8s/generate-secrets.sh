#!/usr/bin/env sh
# Writes k8s/secrets.env (gitignored) for the secretGenerator in k8s/kustomization.yaml:
#   REDIS_PASSWORD        random, hex (needs no URL-encoding)
#   TWISTERLAB_REDIS_URL  the Lettuce URI with that same password
#   TWISTERLAB_API_KEYS   one admin key, as name:role:sha256hex; the key itself is printed once, never stored
# Usage: k8s/generate-secrets.sh [output-file]      (refuses to overwrite an existing file)
set -eu

out="${1:-$(dirname "$0")/secrets.env}"
if [ -e "$out" ]; then
  echo "$out already exists; not overwriting it. Delete it first to rotate every secret." >&2
  exit 1
fi

random_hex() { # $1 = number of random bytes
  od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}
sha256_hex() {
  if command -v sha256sum >/dev/null 2>&1; then
    printf '%s' "$1" | sha256sum | cut -d' ' -f1
  else
    printf '%s' "$1" | shasum -a 256 | cut -d' ' -f1
  fi
}

password="$(random_hex 24)"
api_key="tlk_$(random_hex 32)"
api_key_hash="$(sha256_hex "$api_key")"

umask 077
cat > "$out" <<EOT
REDIS_PASSWORD=${password}
TWISTERLAB_REDIS_URL=redis://:${password}@twisterlab-redis:6379/0
TWISTERLAB_API_KEYS=admin:admin:${api_key_hash}
EOT

echo "Wrote $out (keep it out of git)." >&2
echo "Admin API key, shown only now (only its SHA-256 is in $out):" >&2
echo "  $api_key" >&2
echo "Use it as:  curl -H 'Authorization: Bearer $api_key' https://<host>/api/v1/agents" >&2
