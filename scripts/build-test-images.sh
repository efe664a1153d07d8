#!/usr/bin/env bash
# Builds the two local images dockube needs without any registry or internet:
#   dockube/busybox:test  — Debian's busybox-static with every applet installed as a symlink
#   dockube/pause:latest  — the infra container (scripts/ensure-pause-image.sh)
# Idempotent: an image that already exists is left alone (FORCE=1 rebuilds both).
set -euo pipefail
cd "$(dirname "$0")"
BUSYBOX_IMAGE=${BUSYBOX_IMAGE:-dockube/busybox:test}
PAUSE_IMAGE=${PAUSE_IMAGE:-dockube/pause:latest}

have() { [ "${FORCE:-0}" != 1 ] && docker image inspect "$1" >/dev/null 2>&1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! have "$BUSYBOX_IMAGE"; then
  bb=/bin/busybox
  if ! [ -x "$bb" ] || ! file -L "$bb" 2>/dev/null | grep -q 'statically linked'; then
    if ! dpkg -s busybox-static >/dev/null 2>&1; then
      echo "build-test-images: installing busybox-static" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -qq busybox-static >&2 || { apt-get update -qq >&2; apt-get install -y -qq busybox-static >&2; }
    fi
    bb=$(dpkg -L busybox-static | grep -E '/bin/busybox$' | head -1)
  fi
  root="$work/bb"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,var/www,proc,sys,dev,home}
  cp "$bb" "$root/bin/busybox"
  chmod 0755 "$root/bin/busybox"
  chmod 1777 "$root/tmp"
  # Every applet as a symlink at the path busybox itself lists (so sh, httpd, wget, nc, timeout... exist).
  "$bb" --list-full | while read -r applet; do
    [ "$applet" = bin/busybox ] && continue
    mkdir -p "$root/$(dirname "$applet")"
    ln -sf /bin/busybox "$root/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "$root/etc/group"
  printf '<html><body>dockube busybox</body></html>\n' > "$root/var/www/index.html"
  tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$work/bb.tar" .
  docker import \
    --change 'CMD ["sh"]' \
    --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'LABEL io.dockube.test-image=busybox' \
    "$work/bb.tar" "$BUSYBOX_IMAGE" >/dev/null
  echo "build-test-images: built $BUSYBOX_IMAGE" >&2
fi

# The pause image is the product's own (bin/dockube builds it too).
PAUSE_IMAGE="$PAUSE_IMAGE" ./ensure-pause-image.sh
