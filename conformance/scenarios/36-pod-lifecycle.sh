# Pod lifecycle with the real kubectl: kubectl cp in and out (cp runs tar through exec: WebSocket with kubectl >= 1.30,
# SPDY with 1.29), logs --previous after a restart, graceful deletion (SIGTERM, Terminating,
# the grace period), forced deletion, image pull failures, and kubectl drain (evictions) / uncordon.
# Only the local dockube/busybox:test image is run; 127.0.0.1:1 is a refusing registry for the pull failure.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"
container_of() { docker ps -q --filter "label=io.kubernetes.pod.namespace=$NS" --filter "label=io.kubernetes.pod.name=$1" --filter "label=io.kubernetes.container.name=$2" | head -1; }
pod_containers() { docker ps -aq --filter "label=io.kubernetes.pod.namespace=$NS" --filter "label=io.kubernetes.pod.name=$1" | wc -l; }

cat > "$DATA_DIR/36-pods.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: box}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [sleep, "3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: restarter}
spec:
  terminationGracePeriodSeconds: 1
  restartPolicy: Always
  volumes: [{name: state, emptyDir: {}}]
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    volumeMounts: [{name: state, mountPath: /state}]
    # Each attempt prints its own number (kept in the emptyDir, which outlives container restarts), then fails.
    command: [sh, -c, 'n=\$((\$(cat /state/n 2>/dev/null || echo 0) + 1)); echo \$n > /state/n; echo attempt-\$n; sleep 1; exit 1']
---
apiVersion: v1
kind: Pod
metadata: {name: graceful}
spec:
  terminationGracePeriodSeconds: 3
  containers:
  - name: main
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'trap "echo got TERM; sleep 1; exit 0" TERM; while true; do sleep 0.2; done']
---
apiVersion: v1
kind: Pod
metadata: {name: forced}
spec:
  terminationGracePeriodSeconds: 30
  containers:
  - {name: main, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [sleep, "3600"]}
---
apiVersion: v1
kind: Pod
metadata: {name: badimage}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: "127.0.0.1:1/nope:1"}
YAML
k -n "$NS" apply -f "$DATA_DIR/36-pods.yaml" >/dev/null
for p in box graceful forced; do
  eventually "pod $p becomes Ready" 60 '^True$' -- k -n "$NS" get pod "$p" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
done

# ---- kubectl cp ----
printf 'dockube-cp-payload %s\nsecond line\n' "$NS" > "$DATA_DIR/cp-in.txt"
expect "kubectl cp a local file into the pod" 0 '' -- k cp "$DATA_DIR/cp-in.txt" "$NS/box:/tmp/in.txt"
expect "the file is in the container" 0 "^dockube-cp-payload $NS\$" -- k -n "$NS" exec box -- head -1 /tmp/in.txt
expect "kubectl cp the file back out" 0 '' -- k cp "$NS/box:/tmp/in.txt" "$DATA_DIR/cp-out.txt"
expect "the copy back is byte-identical" 0 '' -- cmp "$DATA_DIR/cp-in.txt" "$DATA_DIR/cp-out.txt"
# kubectl exits 0 here against any apiserver (kubernetes/kubectl#980). Whether it prints tar's stderr races
# with its own exit (seen 4 times in 10; `kubectl exec` shows stderr 20/20), so only the outcome is checked.
expect "kubectl cp of a missing file copies nothing" 0 '' -- k cp "$NS/box:/tmp/nope.txt" "$DATA_DIR/nope.txt"
expect "no file was created" 1 '' -- test -e "$DATA_DIR/nope.txt"

# ---- logs --previous after a restart ----
eventually "the crashing container restarts" 60 '^[1-9]' -- k -n "$NS" get pod restarter -o 'jsonpath={.status.containerStatuses[0].restartCount}'
# The first crash backs off 10 s, the second 20 s: from attempt-2's start until attempt-3's (~21 s), the previous
# attempt is attempt-1. Both spellings are asked at once: the wait for the current attempt's line can outlast that
# window on a loaded machine (CI saw attempt-2 as the previous one after it).
expect "logs --previous shows the earlier attempt" 0 '^attempt-1$' -- k -n "$NS" logs restarter --previous
expect "logs -p -c main is the same" 0 '^attempt-1$' -- k -n "$NS" logs restarter -p -c main
eventually "logs shows the current attempt" 15 '^attempt-2$' -- k -n "$NS" logs restarter

# ---- graceful deletion: SIGTERM, Terminating, then gone within the grace period ----
GRACEFUL_ID="$(container_of graceful main)"
docker logs -f "$GRACEFUL_ID" > "$DATA_DIR/graceful.log" 2>&1 &
LOGS_PID=$!
t0=$(date +%s%N)
expect "kubectl delete --wait=false" 0 'pod "graceful" deleted' -- k -n "$NS" delete pod graceful --wait=false
eventually "get pod shows Terminating" 3 '^graceful +1/1 +Terminating ' -- k -n "$NS" get pod graceful --no-headers
eventually "the pod is gone after its process handled SIGTERM" 20 'NotFound|not found' -- k -n "$NS" get pod graceful
elapsed=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "       (graceful delete → gone: $elapsed ms)"
eventually "the container logged got TERM (the kubelet sent SIGTERM)" 5 'got TERM' -- cat "$DATA_DIR/graceful.log"
# The trap sleeps 1 s then exits 0: ending in well under the 3 s grace period means no SIGKILL was needed.
if [ "$elapsed" -ge 1000 ] && [ "$elapsed" -lt 8000 ]; then pass "graceful deletion took the trap's time (${elapsed} ms)"; else fail "graceful deletion took ${elapsed} ms"; fi
kill "$LOGS_PID" 2>/dev/null; wait "$LOGS_PID" 2>/dev/null
eventually "the graceful pod's containers are removed" 20 '^0$' -- pod_containers graceful

# ---- forced deletion ----
expect "delete --grace-period=0 --force warns and deletes at once" 0 'Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated' -- \
  k -n "$NS" delete pod forced --grace-period=0 --force
expect "the forced pod is gone from the API at once" 1 'pods "forced" not found' -- k -n "$NS" get pod forced
eventually "the forced pod's containers are removed" 20 '^0$' -- pod_containers forced

# ---- image pull failure ----
eventually "an unpullable image shows ErrImagePull or ImagePullBackOff" 60 '^badimage +0/1 +(ErrImagePull|ImagePullBackOff) ' -- k -n "$NS" get pod badimage --no-headers
eventually "describe shows the Failed pull events" 30 'Warning +Failed .*Failed to pull image "127\.0\.0\.1:1/nope:1"' -- k -n "$NS" describe pod badimage
expect "describe shows the waiting reason" 0 'Reason: +(ErrImagePull|ImagePullBackOff)' -- k -n "$NS" describe pod badimage

# ---- kubectl drain (evictions) and uncordon ----
k -n "$NS" run drained --image=dockube/busybox:test --image-pull-policy=IfNotPresent --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1}}' -- sleep 3600 >/dev/null
eventually "pod drained becomes Ready" 60 '^True$' -- k -n "$NS" get pod drained -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'
DRAIN_OUT="$DATA_DIR/drain.out"
expect "kubectl drain cordons the node" 0 "node/$NODE cordoned" -- \
  sh -c "'$KCTL' --kubeconfig '$KC' --cache-dir '$CACHE_DIR' drain '$NODE' --ignore-daemonsets --delete-emptydir-data --force --timeout=90s > '$DRAIN_OUT' 2>&1; rc=\$?; cat '$DRAIN_OUT'; exit \$rc"
expect "drain evicts the pods (the eviction subresource, not the delete fallback)" 0 'pod/drained evicted' -- cat "$DRAIN_OUT"
expect "drain warns about pods without a controller" 0 "deleting Pods that declare no controller: .*$NS/drained" -- cat "$DRAIN_OUT"
expect "drain reports the node drained" 0 "node/$NODE drained" -- cat "$DRAIN_OUT"
expect "no pods are left in the namespace" 0 'No resources found' -- k -n "$NS" get pods
eventually "the evicted pods' containers are removed" 20 '^0$' -- pod_containers drained
expect "the node is SchedulingDisabled" 0 "^$NODE +Ready,SchedulingDisabled " -- k get node "$NODE" --no-headers
expect "kubectl uncordon" 0 "node/$NODE uncordoned" -- k uncordon "$NODE"
expect "the node is schedulable again" 0 "^$NODE +Ready +" -- k get node "$NODE" --no-headers
