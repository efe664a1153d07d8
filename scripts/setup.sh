#!/usr/bin/env bash
# Idempotent set-up on a Debian machine with Node 20: npm packages, the TypeScript build, and a running
# Docker engine. Fast when everything is already in place (it runs before every `bin/dockube`).
set -euo pipefail
# The checkout's root from this file's own path, without starting dirname (bin/dockube sources this in a subshell).
here="${BASH_SOURCE[0]}"
case "$here" in */*) root="${here%/*}/.." ;; *) root=.. ;; esac
cd "$root"
root="$PWD"

if [ ! -d node_modules ] || [ package.json -nt node_modules/.package-lock.json ] || { [ -f package-lock.json ] && [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "dockube setup: installing npm packages" >&2
  # `npm install`, not `npm ci`: npm 11 leaves other platforms' optional packages out of the lock, which `ci` rejects.
  # --prefer-offline: the lock pins every version, so what npm's cache holds is used without asking the registry again
  # (a fresh clone here: 89 s against ~120; and with the resolver down, CI's install waited on EAI_AGAIN retries until
  # its limit, where the cache had everything).
  npm install --no-audit --no-fund --prefer-offline
fi

# The engine dockube's arguments name (--docker-host wins over $DOCKER_HOST), and whether the command needs one:
# only `server` (or no command, as bin/dockube's default) may install or start an engine; the others say what is wrong.
docker_host="${DOCKER_HOST:-}"
needs_engine=1
if [ $# -gt 0 ] && [ "$1" != server ]; then needs_engine=0; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --docker-host=*) docker_host="${1#--docker-host=}" ;;
    --docker-host) docker_host="${2:-}"; shift ;;
  esac
  shift
done
if [ -n "$docker_host" ]; then export DOCKER_HOST="$docker_host"; fi
# That engine's unix socket, or empty for a TCP engine.
engine_sock=/var/run/docker.sock
case "${DOCKER_HOST:-}" in "") ;; unix://*) engine_sock="${DOCKER_HOST#unix://}" ;; *) engine_sock= ;; esac

# Whether the engine answers and holds the image: one GET with curl on a unix socket (~5 ms; the docker CLI's own
# start costs 30-40 ms of every bin/dockube start), the docker CLI for other engines or without curl.
pause_image_present() {
  if [ -n "$engine_sock" ] && command -v curl >/dev/null 2>&1; then
    curl -sf --max-time 5 --unix-socket "$engine_sock" "http://docker/images/$1/json" -o /dev/null
  else
    docker image inspect "$1" >/dev/null 2>&1
  fi
}

# Whether the engine behind a unix socket looks alive, without starting a process: a socket file alone proves nothing
# (a machine image or a killed daemon leaves /var/run/docker.sock behind; CI stop 21 failed on exactly that), so for
# the default socket dockerd's pid file must name a running dockerd. Another engine's socket is taken as is: we never
# start a daemon for it, and the server's preflight says when it does not answer.
. "$root/scripts/dockerd-alive.sh"
local_engine_alive() {
  [ -S "$1" ] || return 1
  case "$1" in /var/run/docker.sock | /run/docker.sock) dockerd_alive /var/run/docker.pid ;; *) return 0 ;; esac
}

if [ ! -f dist/.built ] || [ ! -f dist/bundle/main.cjs ] || [ -n "$(find src openapi package.json tsconfig.json scripts/bundle.mjs scripts/bundle-loader.cjs -newer dist/.built -print -quit 2>/dev/null)" ]; then
  echo "dockube setup: building" >&2
  # tsc, then the bundle bin/dockube runs (scripts/bundle.mjs)
  npm run -s build
  touch dist/.built
fi

if [ "${DOCKUBE_SKIP_DOCKER:-}" != "1" ] && [ "$needs_engine" = 1 ]; then
  # One engine call when everything is in place (the pause image answers only when the engine does): each call of
  # the docker CLI costs ~40 ms of bin/dockube's start. ensure-docker.sh never starts a daemon for another engine.
  # `server` itself checks that the engine answers and builds the pause image when it is missing (src/cli/preflight.ts):
  # with the local engine's socket in place (the common case) no process is started here for it (curl's start alone
  # costs ~25 ms of every start). DOCKUBE_SETUP_CHECK_IMAGE=1 checks here all the same.
  if [ -n "$engine_sock" ] && local_engine_alive "$engine_sock" && [ -z "${DOCKUBE_SETUP_CHECK_IMAGE:-}" ]; then
    :
  elif ! pause_image_present "${PAUSE_IMAGE:-dockube/pause:latest}"; then
    "$root/scripts/ensure-docker.sh"
    "$root/scripts/ensure-pause-image.sh"
  fi
fi

# The service proxy deletes stale UDP flows with conntrack(8), as kube-proxy does (iptables comes with docker.io).
if ! command -v conntrack >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "dockube setup: installing conntrack" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq conntrack >&2 || { apt-get update -qq >&2 && apt-get install -y -qq conntrack >&2; } ||
    echo "dockube setup: conntrack not installed; stale UDP flows to removed endpoints will not be cleared" >&2
fi
