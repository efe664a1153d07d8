#!/usr/bin/env bash
# dockube/netcheck:test, the image of the networking conformance checks: dockube/busybox:test (httpd, nc, wget for
# TCP) plus udp-echo (netcheck/udp-echo.c, static) for UDP, which busybox's nc lacks. Built without any registry:
# the binary is copied into a container of the busybox image and committed. Idempotent (FORCE=1 rebuilds).
set -euo pipefail
cd "$(dirname "$0")"
IMAGE=${NETCHECK_IMAGE:-dockube/netcheck:test}
[ "${FORCE:-0}" != 1 ] && docker image inspect "$IMAGE" >/dev/null 2>&1 && exit 0
FORCE=0 bash ./build-test-images.sh >/dev/null
if ! command -v gcc >/dev/null 2>&1 || ! compgen -G '/usr/lib/*/libc.a' >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq gcc libc6-dev >&2 || { apt-get update -qq >&2; apt-get install -y -qq gcc libc6-dev >&2; }
fi
work=$(mktemp -d)
cid=
trap 'rm -rf "$work"; [ -n "$cid" ] && docker rm -f "$cid" >/dev/null 2>&1 || true' EXIT
gcc -Os -static -s -o "$work/udp-echo" netcheck/udp-echo.c
cid=$(docker create dockube/busybox:test true)
docker cp "$work/udp-echo" "$cid:/bin/udp-echo"
docker commit --change 'CMD ["sh"]' "$cid" "$IMAGE" >/dev/null
echo "built $IMAGE" >&2
