#!/usr/bin/env bash
# Runs every conformance scenario against a real dockube server, once per kubectl version.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(conformance/scenarios/*.sh)

# run_scenario FILE: one scenario against a fresh server with the kubectl in $KCTL.
run_scenario() {
  local f="$1"
  KVER="$("$KCTL" version --client -o json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s).clientVersion;console.log(v.major+"."+v.minor.replace(/\D/g,""))})')"
  SCENARIO="$(basename "$f" .sh)"
  echo "== $SCENARIO (kubectl $KVER)"
  CACHE_DIR="$(mktemp -d /tmp/kcache.XXXXXX)"
  start_server || { fail "server start"; return; }
  NS="conf-$RANDOM"
  # shellcheck disable=SC1090
  source "$f"
  stop_server
  remove_pod_containers
  rm -rf "$CACHE_DIR" "$DATA_DIR"
}

for KCTL in $(kubectl_versions); do
  for f in "${scenarios[@]}"; do run_scenario "$f"; done
done
# A scenario may ask for older kubectls too (a "# kubectl-extra: 1.27" line), when none is forced with $KUBECTL.
if [ -z "${KUBECTL:-}" ]; then
  kdir="$(dirname "$(readlink -f "$(command -v kubectl)")")"
  for f in "${scenarios[@]}"; do
    for v in $(sed -n 's/^# kubectl-extra: //p' "$f"); do
      KCTL="$kdir/kubectl.$v"
      if [ -x "$KCTL" ]; then run_scenario "$f"; else SCENARIO="$(basename "$f" .sh)"; KVER="$v"; fail "kubectl.$v is not installed"; fi
    done
  done
fi

echo
if [ ${#FAILURES[@]} -gt 0 ]; then echo "Failures:"; printf '  %s\n' "${FAILURES[@]}"; fi
echo "conformance: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
