#!/usr/bin/env bash
# Runs every conformance scenario against a real dockube server, once per kubectl version.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(conformance/scenarios/*.sh)

for KCTL in $(kubectl_versions); do
  KVER="$("$KCTL" version --client -o json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s).clientVersion;console.log(v.major+"."+v.minor.replace(/\D/g,""))})')"
  for f in "${scenarios[@]}"; do
    SCENARIO="$(basename "$f" .sh)"
    echo "== $SCENARIO (kubectl $KVER)"
    CACHE_DIR="$(mktemp -d /tmp/kcache.XXXXXX)"
    start_server || { fail "server start"; continue; }
    NS="conf-$RANDOM"
    # shellcheck disable=SC1090
    source "$f"
    stop_server
    remove_pod_containers
    rm -rf "$CACHE_DIR" "$DATA_DIR"
  done
done

echo
if [ ${#FAILURES[@]} -gt 0 ]; then echo "Failures:"; printf '  %s\n' "${FAILURES[@]}"; fi
echo "conformance: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
