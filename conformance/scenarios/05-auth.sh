# Authentication, authorization, and restart persistence.
expect "anonymous requests are refused" 0 '401' -- curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$PORT/api/v1/namespaces"
expect "anonymous /readyz is allowed" 0 '^ok$' -- curl -sk "https://127.0.0.1:$PORT/readyz"
expect "auth can-i for admin (protobuf SSAR from 1.32+)" 0 '^yes$' -- k auth can-i create pods
expect "viewer reads" 0 'default' -- k --context dockube-view get ns
expect "viewer cannot write" 1 'configmaps is forbidden: User "dockube-viewer" cannot create resource "configmaps"' -- k --context dockube-view -n default create configmap x
expect "auth can-i for the viewer" 1 '^no$' -- k --context dockube-view auth can-i create pods
expect "auth can-i --list for the viewer (SelfSubjectRulesReview)" 0 'configmaps +\[\] +\[\] +\[get list watch\]' -- k --context dockube-view auth can-i --list
expect "viewer may not read secrets" 1 '^no$' -- k --context dockube-view auth can-i get secrets
expect "metrics" 0 'apiserver_request_total\{' -- k get --raw /metrics
expect "the monitoring context reads /metrics" 0 'apiserver_request_total\{' -- k --context dockube-monitoring get --raw /metrics
expect "the viewer may not read /metrics" 1 'forbidden: User "dockube-viewer" cannot get path "/metrics"' -- k --context dockube-view get --raw /metrics
expect "the monitoring context reads nothing else" 1 'cannot list resource "pods"' -- k --context dockube-monitoring get pods
expect "kube-system may not be deleted" 1 'namespaces "kube-system" is forbidden: this namespace may not be deleted' -- k delete namespace kube-system
k create ns "$NS" >/dev/null
k -n "$NS" create configmap keep --from-literal=a=1 >/dev/null
uid_before="$(k -n "$NS" get cm keep -o jsonpath='{.metadata.uid}')"
rv_before="$(k -n "$NS" get cm keep -o jsonpath='{.metadata.resourceVersion}')"
kill9_server
start_server "$DATA_DIR"
expect "kill -9 and restart keeps objects" 0 "^$uid_before\$" -- k -n "$NS" get cm keep -o jsonpath='{.metadata.uid}'
k -n "$NS" create configmap after --from-literal=a=1 >/dev/null
rv_after="$(k -n "$NS" get cm after -o jsonpath='{.metadata.resourceVersion}')"
if [ "$rv_after" -gt "$rv_before" ]; then pass "resourceVersion counter restored after restart"; else fail "resourceVersion counter restored ($rv_after <= $rv_before)"; fi
stop_server
start_server "$DATA_DIR"
expect "SIGTERM and restart keeps objects" 0 'after' -- k -n "$NS" get cm after -o name
expect "viewer cannot delete, worded as Kubernetes" 1 'Error from server \(Forbidden\): configmaps "after" is forbidden: User "dockube-viewer" cannot delete resource "configmaps" in API group "" in the namespace' -- k --context dockube-view -n "$NS" delete cm after
