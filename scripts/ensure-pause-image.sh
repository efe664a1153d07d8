#!/usr/bin/env bash
# Builds dockube's infra ("pause") image, dockube/pause:latest, when the engine lacks it: a tiny static binary
# (scripts/pause/pause.c) imported as an image, so pods run without any registry. Installs gcc when missing.
# FORCE=1 rebuilds it.
set -euo pipefail
cd "$(dirname "$0")"
PAUSE_IMAGE=${PAUSE_IMAGE:-dockube/pause:latest}
if [ "${FORCE:-0}" != 1 ] && docker image inspect "$PAUSE_IMAGE" >/dev/null 2>&1; then exit 0; fi
if ! command -v gcc >/dev/null 2>&1 || ! compgen -G '/usr/lib/*/libc.a' >/dev/null; then
  echo "dockube setup: installing gcc and libc6-dev to build the pause image" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq gcc libc6-dev >&2 || { apt-get update -qq >&2; apt-get install -y -qq gcc libc6-dev >&2; }
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -Os -static -s -o "$work/pause" pause/pause.c
tar -C "$work" --numeric-owner --owner=0 --group=0 -cf "$work/pause.tar" pause
docker import --change 'ENTRYPOINT ["/pause"]' --change 'LABEL io.dockube.image=pause' "$work/pause.tar" "$PAUSE_IMAGE" >/dev/null
echo "dockube setup: built $PAUSE_IMAGE" >&2
