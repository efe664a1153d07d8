#!/usr/bin/env bash
# Tools the tests use beyond the product's own needs: curl, and Debian's Python Kubernetes client.
set -euo pipefail
need=()
command -v curl >/dev/null 2>&1 || need+=(curl)
/usr/bin/python3 -c 'import kubernetes' >/dev/null 2>&1 || need+=(python3-kubernetes)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "test tools missing (${need[*]}) and not root to install them" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${need[@]}" >&2
fi
