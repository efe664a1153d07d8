#!/usr/bin/env bash
# Two image registries on loopback for the image-pull tests (no internet, no systemd):
#   127.0.0.1:5000  open                    holds test/busybox:1, :2, :jest-1, :jest-2 and :w0 to :w9
#   127.0.0.1:5001  basic auth (htpasswd)   holds private/busybox:1, :jest-1 and :w0 to :w9
# Each user pulls and removes tags of its own (jest's image-pull test the jest-* ones, scenario 38 its conformance
# worker's w<id>), so runs side by side never find an image another one pulled, nor lose one another removed.
# Both hold dockube/busybox:test (scripts/build-test-images.sh). Docker treats 127.0.0.0/8 registries as
# insecure, so plain HTTP works. The generated credentials are written to $STATE/auth.env
# (REGISTRY_USER, REGISTRY_PASSWORD) for the tests; Docker is logged out again after the push.
# The registry-named local tags are removed at the end so the kubelet has to pull them.
# Idempotent (and serialised by a lock): running registries are kept, pushes of present layers are cheap.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE=${DOCKUBE_REGISTRY_DIR:-/var/lib/dockube-test-registry}
SOURCE_IMAGE=${BUSYBOX_IMAGE:-dockube/busybox:test}
OPEN=127.0.0.1:5000
PRIVATE=127.0.0.1:5001
WORKER_TAGS=(w0 w1 w2 w3 w4 w5 w6 w7 w8 w9)
OPEN_TAGS=("$OPEN/test/busybox:1" "$OPEN/test/busybox:2" "$OPEN/test/busybox:jest-1" "$OPEN/test/busybox:jest-2")
OPEN_TAGS+=("${WORKER_TAGS[@]/#/$OPEN/test/busybox:}")
PRIVATE_TAGS=("$PRIVATE/private/busybox:1" "$PRIVATE/private/busybox:jest-1")
PRIVATE_TAGS+=("${WORKER_TAGS[@]/#/$PRIVATE/private/busybox:}")

say() { echo "ensure-test-registry: $*" >&2; }
mkdir -p "$STATE"
exec 9>"$STATE/.lock"
flock -w 120 9 || { say "could not take $STATE/.lock"; exit 1; }

install_pkg() { # Debian package $1 when command $2 is missing
  command -v "$2" >/dev/null 2>&1 && return 0
  say "installing $1"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "$1" >&2 || { apt-get update -qq >&2; apt-get install -y -qq "$1" >&2; }
  command -v "$2" >/dev/null 2>&1 || { say "$1 installed but $2 is missing"; exit 1; }
}
install_pkg docker-registry docker-registry
install_pkg apache2-utils htpasswd
"$root/scripts/ensure-docker.sh"
"$root/scripts/build-test-images.sh" >&2

# Credentials: generated once, kept for later runs (the tests read them from auth.env).
if [ ! -s "$STATE/auth.env" ]; then
  user="dockube-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  pass="$(head -c 18 /dev/urandom | base64 | tr -d '/+=\n')"
  printf 'REGISTRY_USER=%s\nREGISTRY_PASSWORD=%s\n' "$user" "$pass" > "$STATE/auth.env.tmp"
  mv "$STATE/auth.env.tmp" "$STATE/auth.env"
  rm -f "$STATE/htpasswd"
fi
# shellcheck disable=SC1091
. "$STATE/auth.env"
[ -s "$STATE/htpasswd" ] || htpasswd -Bbc "$STATE/htpasswd" "$REGISTRY_USER" "$REGISTRY_PASSWORD" 2>/dev/null

answers() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$1/v2/" 2>/dev/null | grep -qE '^(200|401)$'; }

start_registry() { # name addr [auth]
  local name=$1 addr=$2 auth=${3:-}
  answers "$addr" && return 0
  mkdir -p "$STATE/$name"
  {
    echo "version: 0.1"
    echo "log: {level: warn}"
    echo "storage:"
    echo "  filesystem: {rootdirectory: $STATE/$name}"
    echo "  delete: {enabled: true}"
    echo "http: {addr: $addr}"
    [ -n "$auth" ] && printf 'auth:\n  htpasswd: {realm: dockube-test, path: %s}\n' "$STATE/htpasswd"
    true
  } > "$STATE/$name.yml"
  say "starting the $name registry on $addr"
  # fd 9 (the lock) must not live on in the registry.
  setsid nohup docker-registry serve "$STATE/$name.yml" </dev/null >"$STATE/$name.log" 2>&1 9>&- &
  echo $! > "$STATE/$name.pid"
  for _ in $(seq 1 50); do answers "$addr" && return 0; sleep 0.2; done
  say "the $name registry did not start on $addr; see $STATE/$name.log"; tail -20 "$STATE/$name.log" >&2; exit 1
}
start_registry open "$OPEN"
start_registry private "$PRIVATE" auth

# held REF: the registry already serves REF's manifest. A tag it holds is never tagged on the engine again: a local
# tag, even for a moment, would let a test running beside this call find its image present instead of pulling it.
held() {
  local ref=$1 rest repo tag
  rest=${ref#*/}; repo=${rest%:*}; tag=${rest##*:}
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -u "$REGISTRY_USER:$REGISTRY_PASSWORD" \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' -I "http://${ref%%/*}/v2/$repo/manifests/$tag")" = 200 ]
}
pushed=()
push() { # tag
  held "$1" && return 0
  docker tag "$SOURCE_IMAGE" "$1"
  pushed+=("$1")
  docker push "$1" >/dev/null || { say "docker push $1 failed"; exit 1; }
}
for t in "${OPEN_TAGS[@]}"; do push "$t"; done
missing=()
for t in "${PRIVATE_TAGS[@]}"; do held "$t" || missing+=("$t"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "$REGISTRY_PASSWORD" | docker login "$PRIVATE" -u "$REGISTRY_USER" --password-stdin >/dev/null 2>&1 \
    || { say "docker login $PRIVATE failed"; exit 1; }
  for t in "${missing[@]}"; do push "$t" || { docker logout "$PRIVATE" >/dev/null 2>&1; exit 1; }; done
  docker logout "$PRIVATE" >/dev/null 2>&1 || true
fi

# Only the registry-named tags this call made go; the image itself stays as $SOURCE_IMAGE.
for t in "${pushed[@]}"; do docker rmi "$t" >/dev/null 2>&1 || true; done
exit 0
