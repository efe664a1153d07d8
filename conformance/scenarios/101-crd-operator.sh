# An operator-style @kubernetes/client-node 1.4.0 program (conformance/clients/client-node-operator.mjs) against
# dockube: installs a CRD, watches its custom resources (Watch and informer) and writes their status; the kubectl part
# checks what it left. The client runs once (with kubectl 1.33, or the forced $KUBECTL).
if [ "$KVER" = "1.33" ] || [ -n "${KUBECTL:-}" ]; then
  out="$(timeout 90 node "$ROOT/conformance/clients/client-node-operator.mjs" "$KC" "op-$RANDOM" 2>&1)"; rc=$?
  while read -r line; do case "$line" in ok\ *) pass "client-node operator: ${line#ok }";; FAIL\ *) fail "client-node operator: ${line#FAIL }";; esac; done <<<"$out"
  [ $rc = 0 ] || [ -n "$(grep '^FAIL' <<<"$out")" ] || fail "client-node operator exited $rc" "$out"
fi
expect "the operator's CRD is gone after it deleted it" 1 'NotFound' -- k get crd gizmos.ops.example.com
