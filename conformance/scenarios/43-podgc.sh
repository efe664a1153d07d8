# The pod garbage collector with the real kubectl on the real engine: a pod of a ReplicaSet bound to a Node
# (`ghost`) that `kubectl delete node` removes is, once the node stays gone past PodGC's 40 s quarantine, marked
# Failed with DisruptionTarget/DeletionByPodGC, force-deleted, and replaced by its ReplicaSet on the real node.
# Meanwhile `kubectl delete node` of dockube's own node: its status loop registers it again within ~10 s, well
# inside the quarantine, so its running pods are kept (the same containers keep running), as a kubelet that
# re-registers keeps its pods upstream.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null
local_node="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"
containers() { docker ps -q --filter "label=io.kubernetes.pod.namespace=$NS" --filter "label=io.kubernetes.container.name=web" | sort | tr '\n' ' '; }
pods_on() { k -n "$NS" get pods -l app=web -o jsonpath="{range .items[?(@.spec.nodeName==\"$1\")]}{.status.phase}{\" \"}{end}"; }

# A Node nothing runs on, kept out of the scheduler's way; a pod bound to it (spec.nodeName) that the ReplicaSet adopts.
expect "create Node ghost" 0 'node/ghost created' -- k apply -f - <<YAML
apiVersion: v1
kind: Node
metadata: {name: ghost}
spec: {unschedulable: true, taints: [{key: example.com/ghost, effect: NoSchedule}]}
YAML
expect "a pod bound to ghost" 0 'pod/on-ghost created' -- k -n "$NS" apply -f - <<YAML
apiVersion: v1
kind: Pod
metadata: {name: on-ghost, labels: {app: web}}
spec:
  nodeName: ghost
  terminationGracePeriodSeconds: 1
  containers: [{name: web, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [sh, -c, 'sleep 100000']}]
YAML
expect "a 2-replica ReplicaSet over it" 0 'replicaset.apps/web created' -- k -n "$NS" apply -f - <<YAML
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: web, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [sh, -c, 'sleep 100000']}]
YAML
eventually "the ReplicaSet adopts the ghost's pod" 30 '^ReplicaSet/web$' -- \
  k -n "$NS" get pod on-ghost -o jsonpath='{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}'
eventually "one Running pod on the real node beside it" 60 '^Running $' -- pods_on "$local_node"
before="$(containers)"

# Both nodes deleted at once: only the ghost stays gone. A watch on the ghost's pod records each state it passes.
k get --raw "/api/v1/namespaces/$NS/pods?watch=1&fieldSelector=metadata.name%3Don-ghost" >"$DATA_DIR/on-ghost.watch" 2>&1 &
watch_pid=$!
t0=$SECONDS
expect "kubectl delete node ghost" 0 'node "ghost" deleted' -- k delete node ghost
expect "kubectl delete node (dockube's own)" 0 "node \"$local_node\" deleted" -- k delete node "$local_node"
eventually "dockube's node registers again" 30 "^$local_node " -- k get node "$local_node" --no-headers
eventually "the ghost's pod is force-deleted" 90 'NotFound' -- k -n "$NS" get pod on-ghost
elapsed=$((SECONDS - t0))
sleep 1
kill "$watch_pid" 2>/dev/null
# marked_then_deleted: a MODIFIED event with phase Failed and PodGC's DisruptionTarget condition, then DELETED.
marked_then_deleted() {
  node -e '
    const es = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const gc = (c) => c.type === "DisruptionTarget" && c.status === "True" && c.reason === "DeletionByPodGC" && c.message === "PodGC: node no longer exists";
    const m = es.findIndex((e) => e.type === "MODIFIED" && e.object.status.phase === "Failed" && (e.object.status.conditions || []).some(gc));
    const d = es.findIndex((e) => e.type === "DELETED");
    console.log(m >= 0 && d > m ? "marked, then deleted" : es.map((e) => e.type + ":" + e.object.status?.phase).join(" "));
  ' <"$DATA_DIR/on-ghost.watch"
}
expect "before its deletion PodGC marked it Failed with DisruptionTarget/DeletionByPodGC" 0 '^marked, then deleted$' -- marked_then_deleted
if [ "$elapsed" -ge 35 ]; then pass "not before the quarantine (${elapsed}s)"; else fail "collected after ${elapsed}s, before the 40 s quarantine"; fi
eventually "the ReplicaSet replaces it on the real node: 2 Running" 60 '^Running Running $' -- pods_on "$local_node"
eventually "docker runs 2 containers" 30 '^[0-9a-f]+ [0-9a-f]+ $' -- containers
expect "the real node's first container kept running through its node's deletion" 0 "${before}" -- containers
expect "get rs: 2 ready" 0 '^web +2 +2 +2 ' -- k -n "$NS" get rs web --no-headers
k -n "$NS" delete rs web --wait=false >/dev/null
