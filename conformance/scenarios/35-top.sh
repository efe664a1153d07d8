# kubectl top on metrics.k8s.io/v1beta1 computed from the Docker engine's container stats: a busy-looping pod (CPU
# limited to 200m so it does not hog the machine) shows non-zero CPU in `top pods`, `--containers` lists each app
# container, `-l` selects by label, `top nodes` shows CPU% and MEMORY% of the node's allocatable; the resources are
# get/list only, and `kubectl explain` reads their hand-written OpenAPI schemas.
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"
k create ns "$NS" >/dev/null
NODE="$(k get nodes -o jsonpath='{.items[0].metadata.name}')"

cat > "$DATA_DIR/35-busy.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: busy, labels: {app: busy}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: spin
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sh, -c, 'while true; do :; done']
    resources: {limits: {cpu: 200m}}
  - name: idle
    image: dockube/busybox:test
    imagePullPolicy: IfNotPresent
    command: [sleep, "3600"]
YAML
k -n "$NS" apply -f "$DATA_DIR/35-busy.yaml" >/dev/null
expect "busy pod becomes Ready" 0 'condition met' -- k -n "$NS" wait --for=condition=Ready pod/busy --timeout=60s

expect "metrics.k8s.io is discovered" 0 '^pods +metrics\.k8s\.io/v1beta1 +true +PodMetrics' -- k api-resources --api-group=metrics.k8s.io --no-headers
eventually "top pods shows the pod with CPU > 0" 30 '^busy +[1-9][0-9]*m +[0-9]+Mi' -- k -n "$NS" top pods --no-headers
expect "top pods header" 0 '^NAME +CPU\(cores\) +MEMORY\(bytes\)' -- k -n "$NS" top pods
expect "top pod --containers lists each app container" 0 '^busy +idle +[0-9]+m +[0-9]+Mi' -- k -n "$NS" top pod busy --containers --no-headers
expect "top pod --containers: the busy container has CPU" 0 '^busy +spin +[1-9][0-9]*m +[0-9]+Mi' -- k -n "$NS" top pod busy --containers --no-headers
expect "top pods -l selects by label" 0 '^busy ' -- k -n "$NS" top pods -l app=busy --no-headers
expect "top pods -l with no match" 0 'No resources found' -- k -n "$NS" top pods -l app=nothing
expect "top pod of a missing pod" 1 'NotFound.*pods "ghost" not found' -- k -n "$NS" top pod ghost
expect "top nodes shows CPU% and MEMORY%" 0 "^${NODE} +[0-9]+m +[0-9]+% +[0-9]+Mi +[0-9]+%" -- k top nodes --no-headers
expect "top node NAME" 0 "^${NODE} +[0-9]+m +[0-9]+%" -- k top node "$NODE" --no-headers
expect "get podmetrics prints the server-side table" 0 '^busy +[0-9]+(n|u|m)? +[0-9]+(Ki|Mi)? +[0-9.]+s' -- k -n "$NS" get podmetrics --no-headers
expect "get nodes.metrics.k8s.io -o json" 0 '"kind": "NodeMetrics"' -- k get nodes.metrics.k8s.io "$NODE" -o json
expect "watch is not supported" 1 'MethodNotAllowed|not supported' -- k -n "$NS" get podmetrics --watch --request-timeout=5s
expect "explain podmetrics" 0 'KIND: +PodMetrics' -- k explain podmetrics
expect "explain podmetrics.containers" 0 'usage' -- k explain podmetrics.containers

expect "delete the busy pod" 0 'pod "busy" deleted' -- k -n "$NS" delete pod busy --wait=true --timeout=60s
