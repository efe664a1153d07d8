#!/usr/bin/env bash
# Builds the two local images dockube needs without any registry or internet:
#   dockube/busybox:test  — Debian's busybox-static with every applet installed as a symlink
#   dockube/pause:latest  — the infra container (scripts/ensure-pause-image.sh)
#   dockube/node-test:v20 — FROM scratch: the host's /usr/bin/node and the shared libraries ldd names (no node image
#                           can be pulled here); for test webhooks and extension servers written in JavaScript
# Idempotent: an image that already exists is left alone (FORCE=1 rebuilds them).
set -euo pipefail
cd "$(dirname "$0")"
BUSYBOX_IMAGE=${BUSYBOX_IMAGE:-dockube/busybox:test}
PAUSE_IMAGE=${PAUSE_IMAGE:-dockube/pause:latest}
NODE_TEST_IMAGE=${NODE_TEST_IMAGE:-dockube/node-test:v20}

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

if ! have "$NODE_TEST_IMAGE"; then
  node_bin=$(readlink -f "$(command -v node)")
  root="$work/node"
  mkdir -p "$root"/{usr/bin,etc,tmp,app}
  cp "$node_bin" "$root/usr/bin/node"
  # Every library the dynamic loader resolves, and the loader itself, at the path ldd names.
  ldd "$node_bin" | grep -oE '/[^ ]+' | sort -u | while read -r lib; do
    mkdir -p "$root/$(dirname "$lib")"
    cp -L "$lib" "$root/$lib"
  done
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/bin/false\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' > "$root/etc/group"
  tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$work/node.tar" .
  docker import \
    --change 'ENTRYPOINT ["/usr/bin/node"]' \
    --change 'WORKDIR /app' \
    --change 'ENV PATH=/usr/bin' \
    --change 'LABEL io.dockube.test-image=node' \
    "$work/node.tar" "$NODE_TEST_IMAGE" >/dev/null
  echo "build-test-images: built $NODE_TEST_IMAGE" >&2
fi

# The pause image is the product's own (bin/dockube builds it too).
PAUSE_IMAGE="$PAUSE_IMAGE" ./ensure-pause-image.sh
