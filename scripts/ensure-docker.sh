#!/usr/bin/env bash
# Makes sure a Docker engine answers at the endpoint dockube will use (--docker-host, else $DOCKER_HOST, else the
# local socket). It installs Debian's docker.io and starts dockerd ONLY for the local default socket, only as root,
# and only when no dockerd runs already: a DOCKER_HOST or --docker-host naming another engine is never replaced by a
# daemon of ours, a running daemon that does not answer is reported (never a second one beside it), and the log of a
# daemon we start is appended to, never truncated.
# usage: ensure-docker.sh [DOCKER_HOST]
set -euo pipefail
local_sock="unix:///var/run/docker.sock"
host="${1:-${DOCKER_HOST:-$local_sock}}"
say() { echo "dockube setup: $*" >&2; }
answers() { DOCKER_HOST="$host" docker info >/dev/null 2>&1; }
if command -v docker >/dev/null 2>&1 && answers; then exit 0; fi

if [ "$host" != "$local_sock" ] && [ "$host" != "unix:///run/docker.sock" ]; then
  say "no Docker engine answers at $host; start that engine, or unset DOCKER_HOST/--docker-host to use the local one"
  exit 1
fi
sock_path="${host#unix://}"
if [ -S "$sock_path" ] && [ ! -w "$sock_path" ]; then
  say "permission denied on $sock_path; add yourself to the docker group (sudo usermod -aG docker \$USER, then log in again)"
  exit 1
fi
running="$(pgrep -x dockerd 2>/dev/null | head -1 || true)"
if [ -n "$running" ]; then
  say "dockerd (pid $running) runs but does not answer at $host; not starting a second daemon (see its log)"
  exit 1
fi
if [ "$(id -u)" != 0 ]; then say "no Docker engine answers at $host and we are not root to start one"; exit 1; fi
if ! command -v dockerd >/dev/null 2>&1; then
  say "installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq docker.io >&2
  # The package may have started its own daemon.
  if answers; then exit 0; fi
  running="$(pgrep -x dockerd 2>/dev/null | head -1 || true)"
fi
if [ -z "$running" ]; then
  log=/var/log/dockerd.log
  say "starting dockerd (log: $log)"
  mkdir -p /var/log
  nohup dockerd >>"$log" 2>&1 &
fi
for _ in $(seq 1 60); do answers && exit 0; sleep 0.5; done
say "dockerd did not start; see /var/log/dockerd.log"
tail -20 /var/log/dockerd.log >&2 || true
exit 1
