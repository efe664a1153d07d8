# Pod logs over WebSocket (issue 9): @kubernetes/client-node 1.4.0 (its WebSocketHandler, and `ws` with the
# kubeconfig's credentials) reads pods/log with base64.binary.k8s.io, binary.k8s.io and no subprotocol, with
# tailLines/timestamps/follow, and is refused channel.k8s.io; what it reads is what kubectl logs prints.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null
k -n "$NS" run logs --image=dockube/busybox:test --image-pull-policy=IfNotPresent --restart=Never -- \
  sh -c 'for i in 1 2 3 4; do echo line$i; done; exec sleep 3600' >/dev/null
k -n "$NS" run ticker --image=dockube/busybox:test --image-pull-policy=IfNotPresent --restart=Never -- \
  sh -c 'while true; do echo tick; sleep 0.5; done' >/dev/null
eventually "kubectl logs shows the log" 60 '^line4$' -- k -n "$NS" logs logs --tail=1
eventually "the ticker runs" 60 '^Running$' -- k -n "$NS" get pod ticker -o 'jsonpath={.status.phase}'
out="$(node "$ROOT/conformance/clients/client-node-logs-ws.mjs" "$KC" "$NS" logs ticker "$(k -n "$NS" logs logs; echo x)" 2>&1)"
rc=$?
while read -r line; do case "$line" in ok\ *) pass "client-node: ${line#ok }" ;; FAIL\ *) fail "client-node: ${line#FAIL }" ;; esac; done <<<"$out"
[ $rc = 0 ] || [ -n "$(grep '^FAIL' <<<"$out")" ] || fail "client-node logs over WebSocket exited $rc" "$out"
