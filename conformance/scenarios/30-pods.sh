# Pods on Docker (the kubelet): apply → Ready → 1/1 Running with an IP the host and other pods reach; a
# two-container pod shares localhost; the containers are visible to `docker ps`; CrashLoopBackOff; a server
# kill -9 + restart adopts the running containers; `kubectl delete pod` removes the containers.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null

pod_ids() { docker ps -q --no-trunc --filter "label=io.kubernetes.pod.namespace=$NS" --filter "label=io.kubernetes.pod.name=$1" | sort | tr '\n' ' '; }
container_of() { docker ps -q --filter "label=io.kubernetes.pod.namespace=$NS" --filter "label=io.kubernetes.pod.name=$1" --filter "label=io.kubernetes.container.name=$2" | head -1; }

cat > "$DATA_DIR/web.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  terminationGracePeriodSeconds: 3
  containers:
  - name: httpd
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [httpd, -f, -p, "80", -h, /var/www]
YAML
t0=$(date +%s%N)
expect "kubectl apply a pod" 0 '^pod/web created$' -- k -n "$NS" apply -f "$DATA_DIR/web.yaml"
expect "kubectl wait --for=condition=Ready" 0 'pod/web condition met' -- k -n "$NS" wait --for=condition=Ready pod/web --timeout=60s
echo "       (pod apply → Ready: $(( ($(date +%s%N) - t0) / 1000000 )) ms)"
expect "get pods: 1/1 Running" 0 '^web +1/1 +Running +0 ' -- k -n "$NS" get pods --no-headers
IP="$(k -n "$NS" get pod web -o jsonpath='{.status.podIP}')"
expect "get pods -o wide shows the pod IP" 0 "^web +1/1 +Running +0 +[^ ]+ +${IP//./\\.} " -- k -n "$NS" get pods -o wide --no-headers
expect "the host reaches the pod IP" 0 'dockube busybox' -- timeout 5 wget -qO- "http://$IP/"
expect "describe shows kubelet events" 0 'Normal +Started .*kubelet +Started container httpd' -- k -n "$NS" describe pod web

k -n "$NS" run client --image=dockube/busybox:test --image-pull-policy=IfNotPresent --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1}}' -- sleep 100000 >/dev/null
k -n "$NS" wait --for=condition=Ready pod/client --timeout=60s >/dev/null
expect "a second pod reaches the first pod's IP" 0 'dockube busybox' -- docker exec "$(container_of client client)" timeout 5 wget -qO- "http://$IP/"

cat > "$DATA_DIR/duo.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: duo}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: httpd, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [httpd, -f, -p, "80", -h, /var/www]}
  - {name: sidecar, image: dockube/busybox:test, imagePullPolicy: IfNotPresent, command: [sh, -c, "sleep 100000"]}
YAML
k -n "$NS" apply -f "$DATA_DIR/duo.yaml" >/dev/null
k -n "$NS" wait --for=condition=Ready pod/duo --timeout=60s >/dev/null
expect "a two-container pod shows 2/2 Running" 0 '^duo +2/2 +Running ' -- k -n "$NS" get pod duo --no-headers
expect "the sidecar reaches localhost:80 of its pod" 0 'dockube busybox' -- docker exec "$(container_of duo sidecar)" timeout 5 wget -qO- http://localhost:80/
expect "docker ps --filter label=io.kubernetes.pod.namespace lists the containers" 0 "k8s_sidecar_duo_${NS}_" -- \
  docker ps --format '{{.Names}}' --filter "label=io.kubernetes.pod.namespace=$NS"
expect "... with the infra container" 0 "k8s_POD_duo_${NS}_" -- docker ps --format '{{.Names}}' --filter "label=io.kubernetes.pod.namespace=$NS"

k -n "$NS" run crash --image=dockube/busybox:test --image-pull-policy=IfNotPresent --overrides='{"apiVersion":"v1","spec":{"terminationGracePeriodSeconds":1}}' -- sh -c 'exit 1' >/dev/null
eventually "a crashing container shows CrashLoopBackOff" 30 '^crash +0/1 +CrashLoopBackOff +[1-9]' -- k -n "$NS" get pod crash --no-headers
expect "describe shows the BackOff event" 0 'Warning +BackOff .*Back-off restarting failed container crash in pod crash_' -- k -n "$NS" describe pod crash

uid_before="$(k -n "$NS" get pod web -o jsonpath='{.metadata.uid}')"
ids_before="$(pod_ids web)"
kill9_server
start_server "$DATA_DIR"
sleep 3
expect "after kill -9 + restart: same pod uid" 0 "^$uid_before\$" -- k -n "$NS" get pod web -o jsonpath='{.metadata.uid}'
ids_after="$(pod_ids web)"
if [ -n "$ids_before" ] && [ "$ids_before" = "$ids_after" ]; then pass "after kill -9 + restart: the same containers run (adopted)"; else fail "containers adopted after restart" "before: $ids_before
after:  $ids_after"; fi
expect "after restart: still 1/1 Running, no restarts" 0 '^web +1/1 +Running +0 ' -- k -n "$NS" get pod web --no-headers
expect "after restart: still reachable" 0 'dockube busybox' -- timeout 5 wget -qO- "http://$IP/"

expect "kubectl delete pod" 0 'pod "web" deleted' -- k -n "$NS" delete pod web --timeout=60s
expect "its containers are gone" 0 '^$' -- docker ps -aq --filter "label=io.kubernetes.pod.uid=$uid_before"
expect "get pod web: NotFound" 1 'pods "web" not found' -- k -n "$NS" get pod web

# Leave nothing behind on the engine (the data dir of this server is removed after the scenario).
k delete ns "$NS" --wait=false >/dev/null 2>&1
eventually "deleting the namespace removes the remaining pods' containers" 30 '^$' -- docker ps -aq --filter "label=io.kubernetes.pod.namespace=$NS"
docker rm -f $(docker ps -aq --filter "label=io.kubernetes.pod.namespace=$NS") >/dev/null 2>&1 || true
