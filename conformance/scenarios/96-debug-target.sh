# kubectl debug --target: kubectl (1.29+) PATCHes pods/<name>/ephemeralcontainers with a strategic merge patch; the
# kubelet starts the debugger once, in the pod's network namespace and the target's pid namespace, and reports it in
# status.ephemeralContainerStatuses; its logs and attach resolve it by name; existing ones may not be removed.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null
IMG=dockube/busybox:test
k -n "$NS" run target --image=$IMG --image-pull-policy=IfNotPresent --restart=Never -- sleep 3600 >/dev/null
expect "target pod ready" 0 "condition met" -- k -n "$NS" wait --for=condition=Ready pod/target --timeout=60s

# Non-interactive: the debugger runs ps in the target's pid namespace and exits; its logs show the target's sleep.
expect "debug --target adds an ephemeral container" 0 "" -- \
  k -n "$NS" debug target --image=$IMG --image-pull-policy=IfNotPresent --target=target -c lister -- ps
eventually "the debugger ran once and terminated (status.ephemeralContainerStatuses)" 30 "^lister=0$" -- \
  k -n "$NS" get pod target -o jsonpath='{range .status.ephemeralContainerStatuses[*]}{.name}={.state.terminated.exitCode}{end}'
expect "logs -c of the debugger show the target's processes" 0 "sleep 3600" -- k -n "$NS" logs target -c lister
expect "the debugger shares the pod's network namespace" 0 "" -- \
  test "$(docker inspect -f '{{.HostConfig.NetworkMode}}' "$(docker ps -aq --filter "label=io.kubernetes.pod.namespace=$NS" --filter label=io.kubernetes.container.name=lister | head -1)")" \
  = "$(docker inspect -f '{{.HostConfig.NetworkMode}}' "$(docker ps -q --filter "label=io.kubernetes.pod.namespace=$NS" --filter label=io.kubernetes.container.name=target | head -1)")"

# Interactive (-i): kubectl waits for it to run and attaches; the output comes through the attach stream (stdin is
# held open a while, as a user's terminal is).
debug_i() { sleep 8 | k -n "$NS" debug -i target --image=$IMG --image-pull-policy=IfNotPresent --target=target -c shell -- sh -c 'sleep 2; ps'; }
expect "debug -i --target shows the target's processes" 0 "sleep 3600" -- debug_i
URL="/api/v1/namespaces/$NS/pods/target/ephemeralcontainers"
expect "the subresource is served (GET)" 0 '"name":"shell"' -- k get --raw "$URL"
expect "a debugger never restarts" 0 "^0 0$" -- \
  k -n "$NS" get pod target -o jsonpath='{.status.ephemeralContainerStatuses[*].restartCount}'
# kubectl patch --subresource knows only status and scale: the PUT goes through replace --raw.
k get --raw "$URL" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const p=JSON.parse(s);p.spec.ephemeralContainers.shift();console.log(JSON.stringify(p))})' >"$DATA_DIR/96-removed.json"
expect "existing ephemeral containers may not be removed (PUT)" 1 "may not be removed" -- k replace --raw "$URL" -f "$DATA_DIR/96-removed.json"
expect "a target that is not a container of the pod is refused" 1 "targetContainerName" -- \
  k -n "$NS" debug target --image=$IMG --target=nope -c bad -- true
expect "the target kept running" 0 "^Running$" -- k -n "$NS" get pod target -o jsonpath='{.status.phase}'
k delete ns "$NS" --wait=false >/dev/null
