# ResourceQuota and LimitRange with the real kubectl: `kubectl create quota`, the resourcequota controller's status in
# `kubectl describe quota` and the quota table, LimitRange defaults on a created pod (and the limit-ranger
# annotation), the pod over the quota refused with upstream's 403, a pod above the LimitRange's max refused, `kubectl
# describe limitrange`, and the use given back when a pod goes.
k create ns "$NS" >/dev/null
bash "$ROOT/scripts/build-test-images.sh" >/dev/null 2>&1 || fail "build-test-images.sh"

pod_yaml() { # NAME [LIMIT-CPU]
  printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers:\n  - name: c\n    image: dockube/busybox:test\n    imagePullPolicy: IfNotPresent\n    command: [sleep, "3600"]\n' "$1"
  [ -n "${2:-}" ] && printf '    resources: {limits: {cpu: "%s"}}\n' "$2"
}
describe_quota() { k -n "$NS" describe quota q | tr -s ' ' | tr '\n' ' '; }

expect "kubectl create quota" 0 'resourcequota/q created' -- k -n "$NS" create quota q --hard=pods=2,requests.cpu=1,count/configmaps=10
eventually "describe quota: pods used 0 of 2 (the controller's status)" 20 'pods 0 2' -- describe_quota
cat > "$DATA_DIR/lr.yaml" <<YAML
apiVersion: v1
kind: LimitRange
metadata: {name: lr}
spec:
  limits:
  - type: Container
    max: {cpu: "1"}
    default: {cpu: 500m}
    defaultRequest: {cpu: 300m}
YAML
expect "create limitrange" 0 'limitrange/lr created' -- k -n "$NS" apply -f "$DATA_DIR/lr.yaml"
expect "describe limitrange: Container cpu max 1, default request 300m, default limit 500m" 0 \
  'Container +cpu +- +1 +300m +500m +-' -- k -n "$NS" describe limitrange lr

pod_yaml p1 > "$DATA_DIR/p1.yaml"
expect "create p1" 0 'pod/p1 created' -- k -n "$NS" apply -f "$DATA_DIR/p1.yaml"
expect "p1 has the LimitRange defaults (request 300m, limit 500m)" 0 '^300m/500m$' -- \
  k -n "$NS" get pod p1 -o jsonpath='{.spec.containers[0].resources.requests.cpu}/{.spec.containers[0].resources.limits.cpu}'
expect "p1 carries the limit-ranger annotation" 0 '^LimitRanger plugin set: cpu request for container c; cpu limit for container c$' -- \
  k -n "$NS" get pod p1 -o jsonpath='{.metadata.annotations.kubernetes\.io/limit-ranger}'
pod_yaml p2 | k -n "$NS" apply -f - >/dev/null
pod_yaml p3 > "$DATA_DIR/p3.yaml"
pod_yaml big 2 > "$DATA_DIR/big.yaml"
expect "p3 over the quota: upstream's 403" 1 \
  'Error from server \(Forbidden\).*pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2' -- \
  k -n "$NS" apply -f "$DATA_DIR/p3.yaml"
expect "a pod above the LimitRange max: refused" 1 'pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2' -- \
  k -n "$NS" apply -f "$DATA_DIR/big.yaml"
eventually "describe quota: pods 2 of 2, requests.cpu 600m of 1" 20 'pods 2 2 requests.cpu 600m 1' -- describe_quota
expect "get quota: REQUEST column" 0 '^q +[0-9]+s +count/configmaps: [0-9]+/10, pods: 2/2, requests.cpu: 600m/1 *$' -- k -n "$NS" get quota q --no-headers
expect "get quota: header" 0 '^NAME +AGE +REQUEST +LIMIT$' -- k -n "$NS" get quota
expect "delete p1" 0 'deleted' -- k -n "$NS" delete pod p1 --wait=false
eventually "the use is given back: pods 1 of 2" 30 'pods 1 2' -- describe_quota
expect "p3 now fits" 0 'pod/p3 created' -- k -n "$NS" apply -f "$DATA_DIR/p3.yaml"
k delete ns "$NS" --wait=false >/dev/null 2>&1
