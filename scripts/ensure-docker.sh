#!/usr/bin/env bash
# Makes sure a Docker engine answers: installs Debian's docker.io when missing and starts dockerd.
set -euo pipefail
sock="${DOCKER_HOST:-unix:///var/run/docker.sock}"
if docker info >/dev/null 2>&1; then exit 0; fi
if [[ "$sock" != unix://* ]]; then echo "dockube setup: DOCKER_HOST=$sock does not answer" >&2; exit 1; fi
if [ "$(id -u)" != 0 ]; then echo "dockube setup: no Docker engine answers and we are not root to start one" >&2; exit 1; fi
if ! command -v dockerd >/dev/null 2>&1; then
  echo "dockube setup: installing Debian's docker.io" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq docker.io >&2
fi
if ! docker info >/dev/null 2>&1; then
  echo "dockube setup: starting dockerd" >&2
  mkdir -p /var/log
  nohup dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { echo "dockube setup: dockerd did not start; see /var/log/dockerd.log" >&2; tail -20 /var/log/dockerd.log >&2; exit 1; }
fi
